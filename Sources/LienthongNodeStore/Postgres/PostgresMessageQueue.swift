public import Foundation
import LienthongCore
import LienthongStorage

/// The message queue of the nodes of one agency in their shared PostgreSQL (`lienthong.messages`, created with the
/// audit tables by ``PostgresNodeSchema``): a document sent through any node is delivered by one of them, read and
/// acknowledged through any, and followed by its sender through any.
///
/// A message is stored once per id by one `INSERT … ON CONFLICT DO NOTHING` on the primary key (never a read then a
/// write), in a transaction with its attachment rows, on sessions with `synchronous_commit = on`: ``accept(_:)``
/// returns once it is durable. Delivery workers of several nodes ``claim(at:limit:lease:)`` due messages with
/// `FOR UPDATE SKIP LOCKED` and a lease (`claimed_until_ms`): each due message goes to one worker, and to another
/// once the lease has passed (its node died mid-delivery). Times are the nodes' clocks, in milliseconds.
public final class PostgresMessageQueue: MessageQueue {
    /// The node whose worker claims messages through this queue.
    public let nodeID: String
    let pool: PostgresConnectionPool

    /// The columns every record query selects, in ``record(_:attachments:)`` order.
    static let columns = """
        id, sender, recipient, purpose, subject, envelope, message_hash, accepted_ms, expires_ms, state, attempts,
        next_attempt_ms, delivered_ms, acknowledged_ms, delivery_receipt, read_receipt, last_error
        """

    /// ``columns`` of the rows an `UPDATE … AS m … RETURNING` changed.
    static let claimedColumns = """
        m.id, m.sender, m.recipient, m.purpose, m.subject, m.envelope, m.message_hash, m.accepted_ms, m.expires_ms,
        m.state, m.attempts, m.next_attempt_ms, m.delivered_ms, m.acknowledged_ms, m.delivery_receipt, m.read_receipt,
        m.last_error
        """

    /// The queue of node `nodeID` on `conninfo`, creating the tables if they are missing.
    /// - Throws: ``MessageQueueError/Code/storage`` if the server cannot be reached or the tables cannot be created.
    public init(conninfo: String, nodeID: String, connections: Int = 2, now: Date = Date()) throws(MessageQueueError) {
        self.nodeID = nodeID
        pool = .nodeState(conninfo: conninfo, connections: connections, applicationName: "lienthong-messages")
        try PostgresNodeSchema.ensure(conninfo: conninfo, now: now) { error in
            MessageQueueError(.storage, "open: \(error.code.wireCode)")
        }
    }

    public func accept(_ message: QueuedMessage) async throws(MessageQueueError) -> MessageAcceptance {
        let insert = PostgresStatement(
            """
            INSERT INTO lienthong.messages (id, sender, recipient, purpose, subject, envelope, message_hash,
                accepted_ms, expires_ms, state, next_attempt_ms)
            VALUES ($1, $2, $3, $4, $5, $6::bytea, $7, $8::bigint, $9::bigint, 'queued', $10::bigint)
            ON CONFLICT (id) DO NOTHING
            """,
            [
                message.id, message.sender, message.recipient, message.purpose, message.subject,
                Self.bytea(message.envelope), message.messageHash, Self.milliseconds(message.acceptedAt),
                Self.milliseconds(message.expiresAt), Self.milliseconds(message.dueAt),
            ], prepared: true)
        let attachments = message.attachments.enumerated().map { position, attachment in
            PostgresStatement(
                """
                INSERT INTO lienthong.message_attachments (message_id, position, name, media_type, sha256, length)
                VALUES ($1, $2::integer, $3, $4, $5, $6::bigint)
                """,
                [
                    message.id, String(position), attachment.name, attachment.mediaType, attachment.sha256,
                    String(attachment.length),
                ], prepared: true)
        }
        // Another node's insert of this id committed first (or was waited for): its row stays as it is.
        let transaction = PostgresTransaction([
            { _ in [insert] }, { inserted in inserted.last?.affectedRows == 1 ? attachments : nil },
        ])
        if try await run("accept", { () async throws(PostgresError) in try await transaction.run(on: pool) }) != nil {
            return .stored
        }
        guard let first = try await record(id: message.id) else {
            throw MessageQueueError(.storage, "accept: the stored message disappeared")
        }
        return .duplicate(first)
    }

    public func due(at now: Date, limit: Int) async throws(MessageQueueError) -> [MessageRecord] {
        try await records(
            "WHERE state = 'queued' AND next_attempt_ms <= $1::bigint ORDER BY next_attempt_ms, accepted_ms LIMIT $2",
            [Self.milliseconds(now), String(limit)])
    }

    public func claim(at now: Date, limit: Int, lease: Duration) async throws(MessageQueueError) -> [MessageRecord] {
        let until = now.addingTimeInterval(lease.secondsValue)
        // One statement: the rows another worker is claiming right now are skipped, not waited for.
        let claimed = try await rows(
            "claim",
            """
            WITH due AS (
                SELECT id FROM lienthong.messages
                WHERE state = 'queued' AND next_attempt_ms <= $1::bigint
                    AND (claimed_until_ms IS NULL OR claimed_until_ms <= $1::bigint)
                ORDER BY next_attempt_ms, accepted_ms LIMIT $2 FOR UPDATE SKIP LOCKED)
            UPDATE lienthong.messages AS m SET claimed_by = $3, claimed_until_ms = $4::bigint
            FROM due WHERE m.id = due.id
            RETURNING \(Self.claimedColumns)
            """, [Self.milliseconds(now), String(limit), nodeID, Self.milliseconds(until)])
        // RETURNING has no order; the worker delivers oldest first.
        return claimed.sorted { ($0.nextAttemptAt ?? now, $0.message.acceptedAt) < ($1.nextAttemptAt ?? now, $1.message.acceptedAt) }
    }

    public func deliver(id: String, receipt: [UInt8], at time: Date) async throws(MessageQueueError) -> Bool {
        try await change(Self.deliverSQL, [id, Self.milliseconds(time), Self.bytea(receipt)])
    }

    /// A delivery worker's batch in one transaction, one statement per message in the batch's order (so the inbox
    /// sequence follows it): one durable commit for the batch rather than one per message.
    public func deliver(_ deliveries: [MessageDelivery]) async throws(MessageQueueError) -> [Bool] {
        guard !deliveries.isEmpty else { return [] }
        let updates = deliveries.map {
            PostgresStatement(
                Self.deliverSQL, [$0.id, Self.milliseconds($0.receivedAt), Self.bytea($0.receipt)], prepared: true)
        }
        let transaction = PostgresTransaction([{ _ in updates }])
        let results = try await run("deliver") { () async throws(PostgresError) in try await transaction.run(on: pool) }
        // Its one step never rolls back: a result per update once committed.
        guard let results, results.count == deliveries.count else {
            throw MessageQueueError(.storage, "deliver: the batch did not commit")
        }
        return results.map { $0.affectedRows == 1 }
    }

    /// Moves one queued message into the inbox: `$1` its id, `$2` the time in milliseconds, `$3` the receipt.
    private static let deliverSQL = """
        UPDATE lienthong.messages SET state = 'delivered', delivered_ms = $2::bigint, delivery_receipt = $3::bytea,
            next_attempt_ms = NULL, claimed_by = NULL, claimed_until_ms = NULL,
            inbox_sequence = nextval('lienthong.message_inbox_sequence')
        WHERE id = $1 AND state = 'queued'
        """

    public func retry(id: String, nextAttemptAt: Date, error: String) async throws(MessageQueueError) {
        _ = try await change(
            """
            UPDATE lienthong.messages SET attempts = attempts + 1, next_attempt_ms = $2::bigint, last_error = $3,
                claimed_by = NULL, claimed_until_ms = NULL
            WHERE id = $1 AND state = 'queued'
            """, [id, Self.milliseconds(nextAttemptAt), error])
    }

    public func deadLetter(id: String, error: String) async throws(MessageQueueError) {
        _ = try await change(
            """
            UPDATE lienthong.messages SET state = 'dead-letter', attempts = attempts + 1, next_attempt_ms = NULL,
                last_error = $2, claimed_by = NULL, claimed_until_ms = NULL
            WHERE id = $1 AND state = 'queued'
            """, [id, error])
    }

    public func record(id: String) async throws(MessageQueueError) -> MessageRecord? {
        try await records("WHERE id = $1", [id]).first
    }

    public func inbox(recipient: String, limit: Int) async throws(MessageQueueError) -> [MessageRecord] {
        try await records(
            "WHERE recipient = $1 AND state = 'delivered' ORDER BY inbox_sequence LIMIT $2", [recipient, String(limit)])
    }

    public func acknowledge(
        id: String, recipient: String, receipt: [UInt8], at time: Date, returnAt: Date?
    ) async throws(MessageQueueError) -> Bool {
        try await change(
            """
            UPDATE lienthong.messages SET state = 'acknowledged', acknowledged_ms = $3::bigint,
                read_receipt = $4::bytea, receipt_return_ms = $5::bigint
            WHERE id = $1 AND recipient = $2 AND state = 'delivered'
            """, [id, recipient, Self.milliseconds(time), Self.bytea(receipt), returnAt.map(Self.milliseconds)])
    }

    public func receiptsToReturn(at now: Date, limit: Int) async throws(MessageQueueError) -> [MessageRecord] {
        try await records(
            """
            WHERE state = 'acknowledged' AND receipt_return_ms <= $1::bigint ORDER BY receipt_return_ms
            LIMIT $2::bigint
            """, [Self.milliseconds(now), String(limit)])
    }

    public func returnReceipt(id: String, nextAttemptAt: Date?) async throws(MessageQueueError) {
        _ = try await change(
            """
            UPDATE lienthong.messages SET receipt_return_ms = $2::bigint WHERE id = $1 AND state = 'acknowledged'
            """, [id, nextAttemptAt.map(Self.milliseconds)])
    }

    public func deadLetters() async throws(MessageQueueError) -> [MessageRecord] {
        try await records("WHERE state = 'dead-letter' ORDER BY accepted_ms", [])
    }

    public func requeue(id: String, at now: Date, expiresAt: Date) async throws(MessageQueueError) -> Bool {
        try await change(
            """
            UPDATE lienthong.messages SET state = 'queued', attempts = 0, next_attempt_ms = $2::bigint,
                expires_ms = $3::bigint, claimed_by = NULL, claimed_until_ms = NULL
            WHERE id = $1 AND state = 'dead-letter'
            """, [id, Self.milliseconds(now), Self.milliseconds(expiresAt)])
    }

    /// Closes the connections.
    public func close() async { await pool.close() }
}
