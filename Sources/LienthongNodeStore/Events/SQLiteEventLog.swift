public import Foundation
import LienthongStorage
import Synchronization

/// The embedded event log: `events.sqlite` in the node's data directory, its own file beside `messages.sqlite`,
/// seen by this node only.
///
/// WAL with `synchronous=FULL`, as the message queue: an event appended, with the cursor that produced it, survives
/// a crash once the call returns, so detection resumes past it and never publishes a change twice. One connection
/// behind a mutex.
public final class SQLiteEventLog: EventLog {
    private struct State: @unchecked Sendable {
        // Only touched under the mutex.
        let database: SQLiteDatabase
    }

    private let state: Mutex<State>

    /// Opens (or creates) the log at `path`.
    /// - Throws: ``EventLogError/Code/storage`` if the file cannot be opened or its tables created.
    public init(path: URL) throws(EventLogError) {
        do throws(StorageError) {
            let database = try SQLiteDatabase(path: path.path, mode: .readWriteCreate)
            try database.enableWAL()
            try database.execute(
                """
                PRAGMA synchronous=FULL;
                CREATE TABLE IF NOT EXISTS event_registries (
                    registry TEXT PRIMARY KEY, cursor TEXT NOT NULL, last_sequence INTEGER NOT NULL,
                    first_retained INTEGER NOT NULL);
                CREATE TABLE IF NOT EXISTS events (
                    registry TEXT NOT NULL, sequence INTEGER NOT NULL, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL,
                    record_key TEXT NOT NULL, detected_ms INTEGER NOT NULL, envelope BLOB NOT NULL,
                    PRIMARY KEY (registry, sequence)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS event_baselines (
                    registry TEXT NOT NULL, record_key TEXT NOT NULL, seen BLOB NOT NULL,
                    PRIMARY KEY (registry, record_key)) WITHOUT ROWID;
                CREATE TABLE IF NOT EXISTS subscriptions (
                    id TEXT PRIMARY KEY, consumer TEXT NOT NULL, service TEXT NOT NULL, registry TEXT NOT NULL,
                    event_types TEXT NOT NULL, purpose TEXT NOT NULL, filter BLOB, created_ms INTEGER NOT NULL,
                    start_after INTEGER NOT NULL);
                """)
            state = Mutex(State(database: database))
        } catch {
            throw EventLogError(.storage, "open \(path.lastPathComponent): \(error.code)")
        }
    }

    public func state(registry: String) throws(EventLogError) -> EventRegistryState? {
        try run("read") { database throws(StorageError) in try Self.state(registry, in: database) }
    }

    public func append(
        registry: String, from previous: EventRegistryState?, events: [StoredEvent], cursor: String,
        baselines: [String: [UInt8]]
    ) throws(EventLogError) {
        let conflict = try run("append") { database throws(StorageError) -> Bool in
            try database.transaction { database throws(StorageError) -> Bool in
                let current = try Self.state(registry, in: database)
                guard EventRegistryState.accepts(events, from: previous, at: current) else { return true }
                let last = current?.lastSequence ?? 0
                for event in events {
                    _ = try database.query(
                        """
                        INSERT INTO events (registry, sequence, id, type, record_key, detected_ms, envelope)
                        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                        """,
                        [
                            .text(registry), .integer(event.sequence), .text(event.id), .text(event.type),
                            .text(event.key), .integer(Self.milliseconds(event.detectedAt)), .blob(event.envelope),
                        ])
                }
                for (key, seen) in baselines {
                    _ = try database.query(
                        "INSERT OR REPLACE INTO event_baselines (registry, record_key, seen) VALUES (?1, ?2, ?3)",
                        [.text(registry), .text(key), .blob(seen)])
                }
                let newLast = last + Int64(events.count)
                _ = try database.query(
                    """
                    INSERT INTO event_registries (registry, cursor, last_sequence, first_retained)
                    VALUES (?1, ?2, ?3, 1)
                    ON CONFLICT (registry) DO UPDATE SET cursor = ?2, last_sequence = ?3
                    """, [.text(registry), .text(cursor), .integer(newLast)])
                return false
            }
        }
        if conflict { throw EventLogError(.sequenceConflict, "append to \(registry)") }
    }

    public func baseline(registry: String, key: String) throws(EventLogError) -> [UInt8]? {
        try run("read") { database throws(StorageError) in
            let rows = try database.query(
                "SELECT seen FROM event_baselines WHERE registry = ?1 AND record_key = ?2", [.text(registry), .text(key)])
            guard case .blob(let bytes) = rows.first?.first else { return nil }
            return bytes
        }
    }

    public func events(registry: String, after: Int64, limit: Int) throws(EventLogError) -> [StoredEvent] {
        try run("read") { database throws(StorageError) in
            try database.query(
                """
                SELECT id, sequence, type, record_key, detected_ms, envelope FROM events
                WHERE registry = ?1 AND sequence > ?2 ORDER BY sequence LIMIT ?3
                """, [.text(registry), .integer(after), .integer(Int64(limit))]
            ).map { row in
                StoredEvent(
                    id: Self.text(row[0]), sequence: Self.integer(row[1]), type: Self.text(row[2]),
                    key: Self.text(row[3]), detectedAt: Self.date(Self.integer(row[4])), envelope: Self.blob(row[5]))
            }
        }
    }

    @discardableResult
    public func prune(registry: String, before: Date, keepLast: Int) throws(EventLogError) -> Int {
        try run("prune") { database throws(StorageError) -> Int in
            try database.transaction { database throws(StorageError) -> Int in
                guard let current = try Self.state(registry, in: database) else { return 0 }
                // Both bounds drop the oldest first, so what stays is one run ending at the last sequence.
                let byCount = current.lastSequence - Int64(max(keepLast, 0))
                let byAge = try database.query(
                    "SELECT MAX(sequence) FROM events WHERE registry = ?1 AND detected_ms < ?2",
                    [.text(registry), .integer(Self.milliseconds(before))]
                ).first?.first.map(Self.integer) ?? 0
                let through = max(byCount, byAge, current.firstRetained - 1)
                guard through >= current.firstRetained else { return 0 }
                _ = try database.query(
                    "DELETE FROM events WHERE registry = ?1 AND sequence <= ?2", [.text(registry), .integer(through)])
                let dropped = database.changes
                _ = try database.query(
                    "UPDATE event_registries SET first_retained = ?2 WHERE registry = ?1",
                    [.text(registry), .integer(through + 1)])
                return dropped
            }
        }
    }

    public func subscribe(_ subscription: EventSubscription) throws(EventLogError) {
        _ = try run("subscribe") { database throws(StorageError) in
            try database.query(
                """
                INSERT INTO subscriptions (id, consumer, service, registry, event_types, purpose, filter, created_ms,
                    start_after)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                """,
                [
                    .text(subscription.id), .text(subscription.consumer), .text(subscription.service),
                    .text(subscription.registry), .text(subscription.eventTypes.joined(separator: " ")),
                    .text(subscription.purpose), subscription.filter.map(SQLiteValue.blob) ?? .null,
                    .integer(Self.milliseconds(subscription.createdAt)), .integer(subscription.startAfter),
                ])
        }
    }

    public func subscription(id: String) throws(EventLogError) -> EventSubscription? {
        try run("read") { database throws(StorageError) in
            guard
                let row = try database.query(
                    """
                    SELECT id, consumer, service, registry, event_types, purpose, filter, created_ms, start_after
                    FROM subscriptions WHERE id = ?1
                    """, [.text(id)]
                ).first
            else { return nil }
            var filter: [UInt8]?
            if case .blob(let bytes) = row[6] { filter = bytes }
            return EventSubscription(
                id: Self.text(row[0]), consumer: Self.text(row[1]), service: Self.text(row[2]),
                registry: Self.text(row[3]), eventTypes: Self.text(row[4]).split(separator: " ").map(String.init),
                purpose: Self.text(row[5]), filter: filter, createdAt: Self.date(Self.integer(row[7])),
                startAfter: Self.integer(row[8]))
        }
    }

    public func unsubscribe(id: String, consumer: String) throws(EventLogError) -> Bool {
        try run("unsubscribe") { database throws(StorageError) in
            _ = try database.query("DELETE FROM subscriptions WHERE id = ?1 AND consumer = ?2", [.text(id), .text(consumer)])
            return database.changes > 0
        }
    }

    // MARK: - Rows

    private func run<T>(
        _ operation: String, _ body: (SQLiteDatabase) throws(StorageError) -> T
    ) throws(EventLogError) -> T {
        try state.withLock { state throws(EventLogError) -> T in
            do throws(StorageError) {
                return try body(state.database)
            } catch {
                throw EventLogError(.storage, "\(operation): \(error.code)")
            }
        }
    }

    private static func state(_ registry: String, in database: SQLiteDatabase) throws(StorageError) -> EventRegistryState? {
        guard
            let row = try database.query(
                "SELECT cursor, last_sequence, first_retained FROM event_registries WHERE registry = ?1",
                [.text(registry)]
            ).first
        else { return nil }
        return EventRegistryState(cursor: text(row[0]), lastSequence: integer(row[1]), firstRetained: integer(row[2]))
    }

    private static func text(_ value: SQLiteValue) -> String {
        if case .text(let text) = value { return text }
        return ""
    }

    private static func integer(_ value: SQLiteValue) -> Int64 {
        if case .integer(let number) = value { return number }
        return 0
    }

    private static func blob(_ value: SQLiteValue) -> [UInt8] {
        if case .blob(let bytes) = value { return bytes }
        return []
    }

    private static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    private static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
    }
}
