import Foundation
import LienthongStorage

extension PostgresEventLog {
    public func subscribe(_ subscription: EventSubscription) async throws(EventLogError) {
        try await run("subscribe") { () async throws(PostgresError) in
            _ = try await pool.query(
                """
                INSERT INTO lienthong.event_subscriptions
                    (id, consumer, service, registry, event_types, purpose, filter, created_ms, start_after)
                VALUES ($1, $2, $3, $4, $5, $6, $7::bytea, $8::bigint, $9::bigint)
                """,
                [
                    subscription.id, subscription.consumer, subscription.service, subscription.registry,
                    subscription.eventTypes.joined(separator: " "), subscription.purpose,
                    subscription.filter.map(PostgresMessageQueue.bytea),
                    PostgresMessageQueue.milliseconds(subscription.createdAt), String(subscription.startAfter),
                ], prepared: true)
        }
    }

    public func subscription(id: String) async throws(EventLogError) -> EventSubscription? {
        let result = try await run("read") { () async throws(PostgresError) in
            try await pool.query(
                """
                SELECT id, consumer, service, registry, event_types, purpose, filter, created_ms, start_after
                FROM lienthong.event_subscriptions WHERE id = $1
                """, [id], prepared: true)
        }
        guard let row = result.rows.first else { return nil }
        return EventSubscription(
            id: row[0] ?? "", consumer: row[1] ?? "", service: row[2] ?? "", registry: row[3] ?? "",
            eventTypes: (row[4] ?? "").split(separator: " ").map(String.init), purpose: row[5] ?? "",
            filter: PostgresMessageQueue.bytes(row[6]),
            createdAt: PostgresMessageQueue.date(row[7]) ?? Date(timeIntervalSince1970: 0),
            startAfter: Int64(row[8] ?? "") ?? 0)
    }

    public func unsubscribe(id: String, consumer: String) async throws(EventLogError) -> Bool {
        try await run("unsubscribe") { () async throws(PostgresError) in
            try await pool.query(
                "DELETE FROM lienthong.event_subscriptions WHERE id = $1 AND consumer = $2", [id, consumer],
                prepared: true
            ).affectedRows == 1
        }
    }
}
