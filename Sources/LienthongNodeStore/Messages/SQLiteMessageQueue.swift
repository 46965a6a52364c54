public import Foundation
import LienthongStorage
import Synchronization

/// The embedded message queue: `messages.sqlite` in the node's data directory, its own file beside the audit log.
///
/// WAL with `synchronous=FULL`, as the audit log: a message accepted, delivered or acknowledged survives a process
/// crash and a power cut once the call returns. One connection behind a mutex writes; the reads have a connection
/// of their own, so a lookup (a send's check for its id, `GET /v1/messages/{id}`) never waits behind a commit's
/// sync. The operator's CLI may open the same file from another process (SQLite's locks and busy timeout serialise
/// them).
public final class SQLiteMessageQueue: MessageQueue {
    private struct State: @unchecked Sendable {
        // Only touched under the mutex.
        let database: SQLiteDatabase
    }

    private let state: Mutex<State>
    /// The connection of the reads; WAL lets it read the last commit while the writer commits the next.
    private let reader: Mutex<State>
    /// The sends waiting for the next commit.
    private let accepting = AcceptGroup()

    /// The columns every record query selects, in ``row(_:attachments:)`` order.
    private static let columns = """
        id, sender, recipient, purpose, subject, envelope, message_hash, accepted_ms, expires_ms, state, attempts,
        next_attempt_ms, delivered_ms, acknowledged_ms, delivery_receipt, read_receipt, last_error
        """

    /// Opens (or creates) the queue at `path`.
    /// - Throws: ``MessageQueueError/Code/storage`` if the file cannot be opened or its tables created.
    public init(path: URL) throws(MessageQueueError) {
        do throws(StorageError) {
            let database = try SQLiteDatabase(path: path.path, mode: .readWriteCreate)
            try database.enableWAL()
            try database.execute(
                """
                PRAGMA synchronous=FULL;
                CREATE TABLE IF NOT EXISTS messages (
                    id TEXT PRIMARY KEY, sender TEXT NOT NULL, recipient TEXT NOT NULL, purpose TEXT NOT NULL,
                    subject TEXT NOT NULL, envelope BLOB NOT NULL, message_hash TEXT NOT NULL,
                    accepted_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL, state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_ms INTEGER, delivered_ms INTEGER,
                    inbox_sequence INTEGER UNIQUE, acknowledged_ms INTEGER, delivery_receipt BLOB, read_receipt BLOB,
                    last_error TEXT);
                CREATE INDEX IF NOT EXISTS messages_due ON messages(state, next_attempt_ms);
                CREATE INDEX IF NOT EXISTS messages_inbox ON messages(recipient, state, inbox_sequence);
                CREATE TABLE IF NOT EXISTS message_attachments (
                    message_id TEXT NOT NULL REFERENCES messages(id), position INTEGER NOT NULL, name TEXT NOT NULL,
                    media_type TEXT NOT NULL, sha256 TEXT NOT NULL, length INTEGER NOT NULL,
                    PRIMARY KEY (message_id, position)) WITHOUT ROWID;
                """)
            // Added with read receipts returned to other nodes: a file made before gets the column here.
            let columns = try database.query("PRAGMA table_info(messages)", []).map { Self.text($0[1]) }
            if !columns.contains("receipt_return_ms") {
                try database.execute("ALTER TABLE messages ADD COLUMN receipt_return_ms INTEGER")
            }
            state = Mutex(State(database: database))
            reader = Mutex(State(database: try SQLiteDatabase(path: path.path, mode: .readOnly)))
        } catch {
            throw MessageQueueError(.storage, "open \(path.lastPathComponent): \(error.code)")
        }
    }

    /// Stores `message`, in one transaction with the sends that wait while another commits (``AcceptGroup``): one
    /// `synchronous=FULL` sync for the group, rather than one each with the others blocked on the writer's mutex.
    public func accept(_ message: QueuedMessage) async throws(MessageQueueError) -> MessageAcceptance {
        try await accepting.accept(message) { messages throws(MessageQueueError) in try accept(messages) }
    }

    /// One transaction, so one sync of the file, for the whole batch (`synchronous=FULL` syncs each commit).
    public func accept(_ messages: [QueuedMessage]) throws(MessageQueueError) -> [MessageAcceptance] {
        try run("accept") { database throws(StorageError) in
            try database.transaction { database throws(StorageError) -> [MessageAcceptance] in
                var acceptances: [MessageAcceptance] = []
                for message in messages { acceptances.append(try Self.insert(message, in: database)) }
                return acceptances
            }
        }
    }

    /// Inserts `message` unless its id is stored (within the caller's transaction).
    private static func insert(
        _ message: QueuedMessage, in database: SQLiteDatabase
    ) throws(StorageError) -> MessageAcceptance {
        if let existing = try Self.record(id: message.id, in: database) { return .duplicate(existing) }
        _ = try database.query(
            """
            INSERT INTO messages (id, sender, recipient, purpose, subject, envelope, message_hash,
                accepted_ms, expires_ms, state, next_attempt_ms)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'queued', ?10)
            """,
            [
                .text(message.id), .text(message.sender), .text(message.recipient), .text(message.purpose),
                .text(message.subject), .blob(message.envelope), .text(message.messageHash),
                .integer(Self.milliseconds(message.acceptedAt)), .integer(Self.milliseconds(message.expiresAt)),
                .integer(Self.milliseconds(message.dueAt)),
            ])
        for (position, attachment) in message.attachments.enumerated() {
            _ = try database.query(
                """
                INSERT INTO message_attachments (message_id, position, name, media_type, sha256, length)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                """,
                [
                    .text(message.id), .integer(Int64(position)), .text(attachment.name),
                    .text(attachment.mediaType), .text(attachment.sha256), .integer(Int64(attachment.length)),
                ])
        }
        return .stored
    }

    public func due(at now: Date, limit: Int) throws(MessageQueueError) -> [MessageRecord] {
        try records(
            // Then insertion order: the order a JetStream consumer handed them over in, for equal times.
            "WHERE state = 'queued' AND next_attempt_ms <= ?1 ORDER BY next_attempt_ms, accepted_ms, rowid LIMIT ?2",
            [.integer(Self.milliseconds(now)), .integer(Int64(limit))])
    }

    /// The due messages: one process works this file, so its one worker needs no lease.
    public func claim(at now: Date, limit: Int, lease: Duration) throws(MessageQueueError) -> [MessageRecord] {
        try due(at: now, limit: limit)
    }

    public func deliver(id: String, receipt: [UInt8], at time: Date) throws(MessageQueueError) -> Bool {
        try deliver([MessageDelivery(id: id, receipt: receipt, receivedAt: time)])[0]
    }

    /// One transaction, so one sync of the file, for the whole batch (`synchronous=FULL` syncs each commit).
    public func deliver(_ deliveries: [MessageDelivery]) throws(MessageQueueError) -> [Bool] {
        try run("deliver") { database throws(StorageError) in
            try database.transaction { database throws(StorageError) -> [Bool] in
                var delivered: [Bool] = []
                for delivery in deliveries {
                    _ = try database.query(
                        """
                        UPDATE messages SET state = 'delivered', delivered_ms = ?2, delivery_receipt = ?3,
                            next_attempt_ms = NULL,
                            inbox_sequence = (SELECT COALESCE(MAX(inbox_sequence), 0) + 1 FROM messages)
                        WHERE id = ?1 AND state = 'queued'
                        """,
                        [
                            .text(delivery.id), .integer(Self.milliseconds(delivery.receivedAt)),
                            .blob(delivery.receipt),
                        ])
                    delivered.append(database.changes > 0)
                }
                return delivered
            }
        }
    }

    public func retry(id: String, nextAttemptAt: Date, error: String) throws(MessageQueueError) {
        _ = try change(
            """
            UPDATE messages SET attempts = attempts + 1, next_attempt_ms = ?2, last_error = ?3
            WHERE id = ?1 AND state = 'queued'
            """, [.text(id), .integer(Self.milliseconds(nextAttemptAt)), .text(error)])
    }

    public func deadLetter(id: String, error: String) throws(MessageQueueError) {
        _ = try change(
            """
            UPDATE messages SET state = 'dead-letter', attempts = attempts + 1, next_attempt_ms = NULL, last_error = ?2
            WHERE id = ?1 AND state = 'queued'
            """, [.text(id), .text(error)])
    }

    public func record(id: String) throws(MessageQueueError) -> MessageRecord? {
        try run("read", reading: true) { database throws(StorageError) in try Self.record(id: id, in: database) }
    }

    public func inbox(recipient: String, limit: Int) throws(MessageQueueError) -> [MessageRecord] {
        try records(
            "WHERE recipient = ?1 AND state = 'delivered' ORDER BY inbox_sequence LIMIT ?2",
            [.text(recipient), .integer(Int64(limit))])
    }

    public func acknowledge(
        id: String, recipient: String, receipt: [UInt8], at time: Date, returnAt: Date?
    ) throws(MessageQueueError) -> Bool {
        try change(
            """
            UPDATE messages SET state = 'acknowledged', acknowledged_ms = ?3, read_receipt = ?4, receipt_return_ms = ?5
            WHERE id = ?1 AND recipient = ?2 AND state = 'delivered'
            """,
            [
                .text(id), .text(recipient), .integer(Self.milliseconds(time)), .blob(receipt),
                returnAt.map { .integer(Self.milliseconds($0)) } ?? .null,
            ])
    }

    public func receiptsToReturn(at now: Date, limit: Int) throws(MessageQueueError) -> [MessageRecord] {
        try records(
            "WHERE state = 'acknowledged' AND receipt_return_ms <= ?1 ORDER BY receipt_return_ms LIMIT ?2",
            [.integer(Self.milliseconds(now)), .integer(Int64(limit))])
    }

    public func returnReceipt(id: String, nextAttemptAt: Date?) throws(MessageQueueError) {
        _ = try change(
            "UPDATE messages SET receipt_return_ms = ?2 WHERE id = ?1 AND state = 'acknowledged'",
            [.text(id), nextAttemptAt.map { .integer(Self.milliseconds($0)) } ?? .null])
    }

    public func deadLetters() throws(MessageQueueError) -> [MessageRecord] {
        try records("WHERE state = 'dead-letter' ORDER BY accepted_ms", [])
    }

    public func requeue(id: String, at now: Date, expiresAt: Date) throws(MessageQueueError) -> Bool {
        try change(
            """
            UPDATE messages SET state = 'queued', attempts = 0, next_attempt_ms = ?2, expires_ms = ?3
            WHERE id = ?1 AND state = 'dead-letter'
            """, [.text(id), .integer(Self.milliseconds(now)), .integer(Self.milliseconds(expiresAt))])
    }

    // MARK: - Rows

    /// Runs `body` on the writing connection, or with `reading` on the reads' connection.
    private func run<T>(
        _ operation: String, reading: Bool = false, _ body: (SQLiteDatabase) throws(StorageError) -> T
    ) throws(MessageQueueError) -> T {
        if reading {
            return try reader.withLock { state throws(MessageQueueError) -> T in
                do throws(StorageError) {
                    return try body(state.database)
                } catch {
                    throw MessageQueueError(.storage, "\(operation): \(error.code)")
                }
            }
        }
        return try state.withLock { state throws(MessageQueueError) -> T in
            do throws(StorageError) {
                return try body(state.database)
            } catch {
                throw MessageQueueError(.storage, "\(operation): \(error.code)")
            }
        }
    }

    /// Runs one statement that changes at most one row; whether it did.
    private func change(_ sql: String, _ bindings: [SQLiteValue]) throws(MessageQueueError) -> Bool {
        try run("write") { database throws(StorageError) in
            _ = try database.query(sql, bindings)
            return database.changes > 0
        }
    }

    private func records(_ clause: String, _ bindings: [SQLiteValue]) throws(MessageQueueError) -> [MessageRecord] {
        try run("read", reading: true) { database throws(StorageError) in
            try database.query("SELECT \(Self.columns) FROM messages \(clause)", bindings).map {
                row throws(StorageError) in try Self.row(row, attachments: Self.attachments(of: row, in: database))
            }
        }
    }

    private static func record(id: String, in database: SQLiteDatabase) throws(StorageError) -> MessageRecord? {
        guard let found = try database.query("SELECT \(columns) FROM messages WHERE id = ?1", [.text(id)]).first else {
            return nil
        }
        return row(found, attachments: try attachments(of: found, in: database))
    }

    private static func attachments(
        of row: [SQLiteValue], in database: SQLiteDatabase
    ) throws(StorageError) -> [QueuedMessage.Attachment] {
        try database.query(
            "SELECT name, media_type, sha256, length FROM message_attachments WHERE message_id = ?1 ORDER BY position",
            [row[0]]
        ).map {
            QueuedMessage.Attachment(
                name: text($0[0]), mediaType: text($0[1]), sha256: text($0[2]), length: Int(integer($0[3]) ?? 0))
        }
    }

    private static func row(_ row: [SQLiteValue], attachments: [QueuedMessage.Attachment]) -> MessageRecord {
        let message = QueuedMessage(
            id: text(row[0]), sender: text(row[1]), recipient: text(row[2]), purpose: text(row[3]),
            subject: text(row[4]), envelope: blob(row[5]) ?? [], messageHash: text(row[6]), attachments: attachments,
            acceptedAt: date(integer(row[7]) ?? 0), expiresAt: date(integer(row[8]) ?? 0))
        return MessageRecord(
            message: message, state: MessageState(rawValue: text(row[9])) ?? .queued,
            attempts: Int(integer(row[10]) ?? 0), nextAttemptAt: integer(row[11]).map(date),
            deliveredAt: integer(row[12]).map(date), acknowledgedAt: integer(row[13]).map(date),
            deliveryReceipt: blob(row[14]), readReceipt: blob(row[15]), lastError: optionalText(row[16]))
    }

    private static func text(_ value: SQLiteValue) -> String { optionalText(value) ?? "" }

    private static func optionalText(_ value: SQLiteValue) -> String? {
        if case .text(let text) = value { return text }
        return nil
    }

    private static func integer(_ value: SQLiteValue) -> Int64? {
        if case .integer(let number) = value { return number }
        return nil
    }

    private static func blob(_ value: SQLiteValue) -> [UInt8]? {
        if case .blob(let bytes) = value { return bytes }
        return nil
    }

    private static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    private static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
    }
}
