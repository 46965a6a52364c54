public import Foundation

/// The durable queue of document messages between agencies: what the sender's node accepted, its delivery into the
/// recipient's inbox, and the receipts. One engine per type: ``SQLiteMessageQueue`` embedded (one node),
/// ``PostgresMessageQueue`` shared by the nodes of one agency; the JetStream engine (LienthongBus) carries messages
/// from acceptance to the recipient's node and keeps the rest in one of those.
///
/// Every method that changes state returns only once the change is durable. Every method may wait on the network
/// (PostgreSQL, an acknowledged publish, a fetch) without holding its thread: on an event loop the caller suspends and
/// the loop serves other requests meanwhile. The embedded engine answers inline, without suspending, except a send
/// that arrives while another commits: it waits for the next group commit (``SQLiteMessageQueue``).
public protocol MessageQueue: Sendable {
    /// Stores `message` due for delivery at its ``QueuedMessage/dueAt``, once per id.
    /// - Returns: ``MessageAcceptance/stored``, or ``MessageAcceptance/duplicate(_:)`` with the first message's record
    ///   when its id is already stored (whatever the new one holds).
    func accept(_ message: QueuedMessage) async throws(MessageQueueError) -> MessageAcceptance

    /// Stores a message another node handed over, which this node delivers itself at once: once per id, where this
    /// node's delivery and inbox read. An engine with a bus in front of its store (JetStream) stores it there, not
    /// through the bus: the bus carries documents between this agency's nodes, and this one is where it is delivered.
    func acceptHandedOver(_ message: QueuedMessage) async throws(MessageQueueError) -> MessageAcceptance

    /// Stores `messages` in the given order, each once per id, durable together (one commit where the engine can):
    /// a batch a bus consumer handed over.
    /// - Returns: for each, what accepting it alone would have answered.
    func accept(_ messages: [QueuedMessage]) async throws(MessageQueueError) -> [MessageAcceptance]

    /// The queued messages whose next attempt is due at `now`, oldest first, at most `limit`.
    func due(at now: Date, limit: Int) async throws(MessageQueueError) -> [MessageRecord]

    /// Takes the messages due at `now` (oldest first, at most `limit`) for this node's delivery worker until
    /// `now + lease`: meanwhile no other node's worker gets them, and after it (a node that died mid-delivery) they
    /// are due again for any worker. ``deliver(id:receipt:at:)``, ``retry(id:nextAttemptAt:error:)`` and
    /// ``deadLetter(id:error:)`` end a claim.
    func claim(at now: Date, limit: Int, lease: Duration) async throws(MessageQueueError) -> [MessageRecord]

    /// Moves a queued message into its recipient's inbox with its delivery receipt.
    /// - Returns: `false` if the message is not queued (delivered already, or dead): nothing changed.
    func deliver(id: String, receipt: [UInt8], at time: Date) async throws(MessageQueueError) -> Bool

    /// Moves queued messages into their recipients' inboxes in the given order, durable together (one commit where
    /// the engine can): a delivery worker's batch.
    /// - Returns: for each, whether it was queued and is now delivered.
    func deliver(_ deliveries: [MessageDelivery]) async throws(MessageQueueError) -> [Bool]

    /// Records a failed attempt of a queued message and when to try again.
    func retry(id: String, nextAttemptAt: Date, error: String) async throws(MessageQueueError)

    /// Moves a queued message to the dead letters.
    func deadLetter(id: String, error: String) async throws(MessageQueueError)

    /// The record of message `id`, if stored.
    func record(id: String) async throws(MessageQueueError) -> MessageRecord?

    /// The delivered messages `recipient` has not acknowledged, in delivery order, at most `limit`.
    func inbox(recipient: String, limit: Int) async throws(MessageQueueError) -> [MessageRecord]

    /// Marks a delivered message of `recipient` acknowledged, with its read receipt; with `returnAt`, the receipt is
    /// also due then to go back to the sender's node (a message that came from another node), in the same write.
    /// - Returns: `false` if it is not in that recipient's inbox as delivered: nothing changed.
    func acknowledge(
        id: String, recipient: String, receipt: [UInt8], at time: Date, returnAt: Date?
    ) async throws(MessageQueueError) -> Bool

    /// The acknowledged messages whose read receipt is due at `now` to go back to the sender's node, at most `limit`.
    func receiptsToReturn(at now: Date, limit: Int) async throws(MessageQueueError) -> [MessageRecord]

    /// Schedules the next attempt to return message `id`'s read receipt, or with `nil` ends the returning (the
    /// sender's node took it, or refused it for good).
    func returnReceipt(id: String, nextAttemptAt: Date?) async throws(MessageQueueError)

    /// The dead letters, oldest first.
    func deadLetters() async throws(MessageQueueError) -> [MessageRecord]

    /// Makes a dead letter queued again, due at `now`, with a new time to live until `expiresAt`.
    /// - Returns: `false` if it is not a dead letter.
    func requeue(id: String, at now: Date, expiresAt: Date) async throws(MessageQueueError) -> Bool
}

extension MessageQueue {
    /// Marks a delivered message of `recipient` acknowledged, with its read receipt (a message sent on this node).
    public func acknowledge(
        id: String, recipient: String, receipt: [UInt8], at time: Date
    ) async throws(MessageQueueError) -> Bool {
        try await acknowledge(id: id, recipient: recipient, receipt: receipt, at: time, returnAt: nil)
    }

    /// The message accepted as any other, for engines that store every message where their delivery reads.
    public func acceptHandedOver(_ message: QueuedMessage) async throws(MessageQueueError) -> MessageAcceptance {
        try await accept(message)
    }

    /// One acceptance after the other, for engines whose writes commit one at a time anyway.
    public func accept(_ messages: [QueuedMessage]) async throws(MessageQueueError) -> [MessageAcceptance] {
        var acceptances: [MessageAcceptance] = []
        for message in messages { acceptances.append(try await accept(message)) }
        return acceptances
    }

    /// One ``deliver(id:receipt:at:)`` after the other, for engines whose writes commit one at a time anyway.
    public func deliver(_ deliveries: [MessageDelivery]) async throws(MessageQueueError) -> [Bool] {
        var delivered: [Bool] = []
        for delivery in deliveries {
            delivered.append(try await deliver(id: delivery.id, receipt: delivery.receipt, at: delivery.receivedAt))
        }
        return delivered
    }
}
