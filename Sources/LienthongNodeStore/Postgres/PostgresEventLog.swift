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
    let pool: PostgresConnectionPool

    /// The log on `conninfo`, creating the tables if they are missing.
    /// - Throws: ``EventLogError/Code/storage`` if the server cannot be reached or the tables cannot be created.
    public init(conninfo: String, connections: Int = 2, now: Date = Date()) throws(EventLogError) {
        pool = .nodeState(conninfo: conninfo, connections: connections, applicationName: "lienthong-events")
        try PostgresNodeSchema.ensure(conninfo: conninfo, now: now) { error in
            EventLogError(.storage, "open: \(error.code.wireCode)")
        }
    }

    public func state(registry: String) async throws(EventLogError) -> EventRegistryState? {
        let result = try await run("read") { () async throws(PostgresError) in
            try await pool.query(Self.stateQuery(locking: false), [registry], prepared: true)
        }
        return Self.state(result)
    }

    public func append(
        registry: String, from previous: EventRegistryState?, events: [StoredEvent], cursor: String,
        baselines: [String: [UInt8]]
    ) async throws(EventLogError) {
        // No row to lock before the first append: of two first appends, the second waits on this key and then
        // inserts nothing.
        let first = PostgresStatement(
            """
            INSERT INTO lienthong.event_registries (registry, change_cursor, last_sequence, first_retained)
            VALUES ($1, $2, $3::bigint, 1) ON CONFLICT (registry) DO NOTHING
            """, [registry, cursor, String(events.count)], prepared: true)
        let writes =
            events.map { event in
                PostgresStatement(
                    """
                    INSERT INTO lienthong.events (registry, sequence, id, type, record_key, detected_ms, envelope)
                    VALUES ($1, $2::bigint, $3, $4, $5, $6::bigint, $7::bytea)
                    """,
                    [
                        registry, String(event.sequence), event.id, event.type, event.key,
                        PostgresMessageQueue.milliseconds(event.detectedAt), PostgresMessageQueue.bytea(event.envelope),
                    ], prepared: true)
            }
            + baselines.map { key, seen in
                PostgresStatement(
                    """
                    INSERT INTO lienthong.event_baselines (registry, record_key, seen) VALUES ($1, $2, $3::bytea)
                    ON CONFLICT (registry, record_key) DO UPDATE SET seen = EXCLUDED.seen
                    """, [registry, key, PostgresMessageQueue.bytea(seen)], prepared: true)
            }
        let lock = PostgresStatement(Self.stateQuery(locking: true), [registry], prepared: true)
        let transaction = PostgresTransaction([
            { _ in [lock] },
            { locked in
                let current = Self.state(locked[locked.startIndex])
                guard EventRegistryState.accepts(events, from: previous, at: current) else { return nil }
                guard let current else { return [first] }
                return [
                    PostgresStatement(
                        """
                        UPDATE lienthong.event_registries SET change_cursor = $2, last_sequence = $3::bigint
                        WHERE registry = $1
                        """, [registry, cursor, String(current.lastSequence + Int64(events.count))], prepared: true)
                ]
            },
            { registryWritten in registryWritten.last?.affectedRows == 1 ? writes : nil },
        ])
        let appended = try await run("append") { () async throws(PostgresError) in
            try await transaction.run(on: pool) != nil
        }
        if !appended { throw EventLogError(.sequenceConflict, "append to \(registry)") }
    }

    public func baseline(registry: String, key: String) async throws(EventLogError) -> [UInt8]? {
        let result = try await run("read") { () async throws(PostgresError) in
            try await pool.query(
                "SELECT seen FROM lienthong.event_baselines WHERE registry = $1 AND record_key = $2", [registry, key],
                prepared: true)
        }
        return result.rows.first.flatMap { PostgresMessageQueue.bytes($0[0]) }
    }

    public func events(registry: String, after: Int64, limit: Int) async throws(EventLogError) -> [StoredEvent] {
        let result = try await run("read") { () async throws(PostgresError) in
            try await pool.query(
                """
                SELECT id, sequence, type, record_key, detected_ms, envelope FROM lienthong.events
                WHERE registry = $1 AND sequence > $2::bigint ORDER BY sequence LIMIT $3::bigint
                """, [registry, String(after), String(limit)], prepared: true)
        }
        return result.rows.map { row in
            StoredEvent(
                id: row[0] ?? "", sequence: Int64(row[1] ?? "") ?? 0, type: row[2] ?? "", key: row[3] ?? "",
                detectedAt: PostgresMessageQueue.date(row[4]) ?? Date(timeIntervalSince1970: 0),
                envelope: PostgresMessageQueue.bytes(row[5]) ?? [])
        }
    }

    @discardableResult
    public func prune(registry: String, before: Date, keepLast: Int) async throws(EventLogError) -> Int {
        let lock = PostgresStatement(Self.stateQuery(locking: true), [registry], prepared: true)
        let oldest = PostgresStatement(
            "SELECT MAX(sequence) FROM lienthong.events WHERE registry = $1 AND detected_ms < $2::bigint",
            [registry, PostgresMessageQueue.milliseconds(before)], prepared: true)
        // Both bounds drop the oldest first, so what stays is one run ending at the last sequence.
        let through: @Sendable (ArraySlice<PostgresResult>) -> Int64? = { read in
            guard let current = Self.state(read[read.startIndex]) else { return nil }
            let byCount = current.lastSequence - Int64(max(keepLast, 0))
            let byAge = read[read.startIndex + 1].rows.first?.first.flatMap { $0.flatMap { Int64($0) } } ?? 0
            let through = max(byCount, byAge, current.firstRetained - 1)
            return through >= current.firstRetained ? through : nil
        }
        let transaction = PostgresTransaction([
            { _ in [lock, oldest] },
            { read in
                guard let through = through(read) else { return nil }
                return [
                    PostgresStatement(
                        "DELETE FROM lienthong.events WHERE registry = $1 AND sequence <= $2::bigint",
                        [registry, String(through)], prepared: true),
                    PostgresStatement(
                        "UPDATE lienthong.event_registries SET first_retained = $2::bigint WHERE registry = $1",
                        [registry, String(through + 1)], prepared: true),
                ]
            },
        ])
        let results = try await run("prune") { () async throws(PostgresError) in try await transaction.run(on: pool) }
        return results?[2].affectedRows ?? 0
    }

    /// Closes the connections.
    public func close() async { await pool.close() }

    /// The query of a registry's row, locking it until the transaction ends when `locking`.
    static func stateQuery(locking: Bool) -> String {
        """
        SELECT change_cursor, last_sequence, first_retained FROM lienthong.event_registries WHERE registry = $1
        \(locking ? "FOR UPDATE" : "")
        """
    }

    /// The state in the result of ``stateQuery(locking:)``; `nil` when the registry has no row.
    static func state(_ result: PostgresResult) -> EventRegistryState? {
        guard let row = result.rows.first else { return nil }
        return EventRegistryState(
            cursor: row[0] ?? "", lastSequence: Int64(row[1] ?? "") ?? 0, firstRetained: Int64(row[2] ?? "") ?? 0)
    }

    /// Runs `body`, its failure as an ``EventLogError/Code/storage`` of `operation`.
    func run<T>(
        _ operation: String, _ body: () async throws(PostgresError) -> T
    ) async throws(EventLogError) -> T {
        do throws(PostgresError) {
            return try await body()
        } catch {
            throw EventLogError(.storage, "\(operation): \(error.code.wireCode)")
        }
    }
}
