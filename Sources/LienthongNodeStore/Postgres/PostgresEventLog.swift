public import Foundation
import LienthongStorage

/// The change events of the nodes of one agency in their shared PostgreSQL (`lienthong.events`, created with the
/// other node tables by ``PostgresNodeSchema``): one sequence per registry whichever node detected the change, read
/// through any node, with the subscriptions and the retention shared.
///
/// A registry's row in `event_registries` is its counter and its detection cursor. An append locks it
/// (`SELECT … FOR UPDATE`), checks that it is still at the state the changes were read from, then inserts the events
/// and moves the row, in one transaction: appends of one registry commit one after the other in sequence order, so a
/// reader never sees a sequence before the ones below it (no gap to skip), and of two nodes that read the same
/// changes from the same state only the first appends; the other is refused and reads on from the new cursor.
/// Sessions commit with `synchronous_commit = on`. Readers wait by polling, as with SQLite (see `EventExchange`).
public final class PostgresEventLog: EventLog {
    let sessions: PostgresSessions

    /// The log on `conninfo`, creating the tables if they are missing.
    /// - Throws: ``EventLogError/Code/storage`` if the server cannot be reached or the tables cannot be created.
    public init(conninfo: String, connections: Int = 4, now: Date = Date()) throws(EventLogError) {
        sessions = PostgresSessions(conninfo: conninfo, count: connections, applicationName: "lienthong-events")
        try run("open") { connection throws(PostgresError) in
            try PostgresNodeSchema.ensure(connection, months: PostgresNodeSchema.Month(now).andFollowing(3))
        }
    }

    public func state(registry: String) throws(EventLogError) -> EventRegistryState? {
        try run("read") { connection throws(PostgresError) in try Self.state(registry, in: connection, locking: false) }
    }

    public func append(
        registry: String, from previous: EventRegistryState?, events: [StoredEvent], cursor: String,
        baselines: [String: [UInt8]]
    ) throws(EventLogError) {
        let appended = try transaction("append") { connection throws(PostgresError) -> Bool in
            let current = try Self.state(registry, in: connection, locking: true)
            guard EventRegistryState.accepts(events, from: previous, at: current) else { return false }
            let last = (current?.lastSequence ?? 0) + Int64(events.count)
            if current == nil {
                // No row to lock yet: of two first appends, the second waits on this key and then inserts nothing.
                let inserted = try connection.query(
                    """
                    INSERT INTO lienthong.event_registries (registry, change_cursor, last_sequence, first_retained)
                    VALUES ($1, $2, $3::bigint, 1) ON CONFLICT (registry) DO NOTHING
                    """, [registry, cursor, String(last)], prepared: true)
                guard inserted.affectedRows == 1 else { return false }
            } else {
                try connection.query(
                    """
                    UPDATE lienthong.event_registries SET change_cursor = $2, last_sequence = $3::bigint
                    WHERE registry = $1
                    """,
                    [registry, cursor, String(last)], prepared: true)
            }
            for event in events {
                try connection.query(
                    """
                    INSERT INTO lienthong.events (registry, sequence, id, type, record_key, detected_ms, envelope)
                    VALUES ($1, $2::bigint, $3, $4, $5, $6::bigint, $7::bytea)
                    """,
                    [
                        registry, String(event.sequence), event.id, event.type, event.key,
                        PostgresMessageQueue.milliseconds(event.detectedAt), PostgresMessageQueue.bytea(event.envelope),
                    ], prepared: true)
            }
            for (key, seen) in baselines {
                try connection.query(
                    """
                    INSERT INTO lienthong.event_baselines (registry, record_key, seen) VALUES ($1, $2, $3::bytea)
                    ON CONFLICT (registry, record_key) DO UPDATE SET seen = EXCLUDED.seen
                    """, [registry, key, PostgresMessageQueue.bytea(seen)], prepared: true)
            }
            return true
        }
        if !appended { throw EventLogError(.sequenceConflict, "append to \(registry)") }
    }

    public func baseline(registry: String, key: String) throws(EventLogError) -> [UInt8]? {
        try run("read") { connection throws(PostgresError) in
            let rows = try connection.query(
                "SELECT seen FROM lienthong.event_baselines WHERE registry = $1 AND record_key = $2", [registry, key],
                prepared: true)
            return rows.rows.first.flatMap { PostgresMessageQueue.bytes($0[0]) }
        }
    }

    public func events(registry: String, after: Int64, limit: Int) throws(EventLogError) -> [StoredEvent] {
        try run("read") { connection throws(PostgresError) in
            try connection.query(
                """
                SELECT id, sequence, type, record_key, detected_ms, envelope FROM lienthong.events
                WHERE registry = $1 AND sequence > $2::bigint ORDER BY sequence LIMIT $3::bigint
                """, [registry, String(after), String(limit)], prepared: true
            ).rows.map { row in
                StoredEvent(
                    id: row[0] ?? "", sequence: Int64(row[1] ?? "") ?? 0, type: row[2] ?? "", key: row[3] ?? "",
                    detectedAt: PostgresMessageQueue.date(row[4]) ?? Date(timeIntervalSince1970: 0),
                    envelope: PostgresMessageQueue.bytes(row[5]) ?? [])
            }
        }
    }

    @discardableResult
    public func prune(registry: String, before: Date, keepLast: Int) throws(EventLogError) -> Int {
        try transaction("prune") { connection throws(PostgresError) -> Int in
            guard let current = try Self.state(registry, in: connection, locking: true) else { return 0 }
            // Both bounds drop the oldest first, so what stays is one run ending at the last sequence.
            let byCount = current.lastSequence - Int64(max(keepLast, 0))
            let byAge = try connection.query(
                "SELECT MAX(sequence) FROM lienthong.events WHERE registry = $1 AND detected_ms < $2::bigint",
                [registry, PostgresMessageQueue.milliseconds(before)], prepared: true
            ).rows.first?.first.flatMap { $0.flatMap { Int64($0) } } ?? 0
            let through = max(byCount, byAge, current.firstRetained - 1)
            guard through >= current.firstRetained else { return 0 }
            let dropped = try connection.query(
                "DELETE FROM lienthong.events WHERE registry = $1 AND sequence <= $2::bigint",
                [registry, String(through)], prepared: true
            ).affectedRows ?? 0
            try connection.query(
                "UPDATE lienthong.event_registries SET first_retained = $2::bigint WHERE registry = $1",
                [registry, String(through + 1)], prepared: true)
            return dropped
        }
    }

    /// Closes the connections.
    public func close() { sessions.close() }

    /// The row of `registry`, locked until the transaction ends when `locking`.
    static func state(
        _ registry: String, in connection: PostgresConnection, locking: Bool
    ) throws(PostgresError) -> EventRegistryState? {
        let rows = try connection.query(
            """
            SELECT change_cursor, last_sequence, first_retained FROM lienthong.event_registries WHERE registry = $1
            \(locking ? "FOR UPDATE" : "")
            """, [registry], prepared: true
        ).rows
        guard let row = rows.first else { return nil }
        return EventRegistryState(
            cursor: row[0] ?? "", lastSequence: Int64(row[1] ?? "") ?? 0, firstRetained: Int64(row[2] ?? "") ?? 0)
    }

    func run<T>(
        _ operation: String, _ body: (PostgresConnection) throws(PostgresError) -> T
    ) throws(EventLogError) -> T {
        do throws(PostgresError) {
            return try sessions.run(body)
        } catch {
            throw EventLogError(.storage, "\(operation): \(error.code.wireCode)")
        }
    }

    func transaction<T>(
        _ operation: String, _ body: (PostgresConnection) throws(PostgresError) -> T
    ) throws(EventLogError) -> T {
        do throws(PostgresError) {
            return try sessions.transaction(body)
        } catch {
            throw EventLogError(.storage, "\(operation): \(error.code.wireCode)")
        }
    }
}
