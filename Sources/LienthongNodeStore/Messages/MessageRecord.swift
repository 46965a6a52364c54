public import Foundation

/// Where a message is on its way from sender to recipient.
public enum MessageState: String, Sendable, Hashable, CaseIterable {
    /// Accepted and durable; delivery is due or being retried.
    case queued
    /// In the recipient's inbox, with a delivery receipt.
    case delivered
    /// Read and acknowledged by the recipient, with a read receipt.
    case acknowledged
    /// Delivery stopped after its time to live; an operator may requeue it.
    case deadLetter = "dead-letter"
}

/// A queued message with its delivery state and receipts.
public struct MessageRecord: Sendable, Hashable {
    /// The message.
    public var message: QueuedMessage
    /// Its state.
    public var state: MessageState
    /// Delivery attempts that failed so far.
    public var attempts: Int
    /// When delivery is next tried (queued messages only).
    public var nextAttemptAt: Date?
    /// When it entered the recipient's inbox.
    public var deliveredAt: Date?
    /// When the recipient acknowledged it.
    public var acknowledgedAt: Date?
    /// The signed delivery receipt (envelope bytes).
    public var deliveryReceipt: [UInt8]?
    /// The signed read receipt (envelope bytes).
    public var readReceipt: [UInt8]?
    /// The problem code of the last failed attempt.
    public var lastError: String?

    /// A record.
    public init(
        message: QueuedMessage, state: MessageState, attempts: Int = 0, nextAttemptAt: Date? = nil,
        deliveredAt: Date? = nil, acknowledgedAt: Date? = nil, deliveryReceipt: [UInt8]? = nil,
        readReceipt: [UInt8]? = nil, lastError: String? = nil
    ) {
        self.message = message
        self.state = state
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.deliveredAt = deliveredAt
        self.acknowledgedAt = acknowledgedAt
        self.deliveryReceipt = deliveryReceipt
        self.readReceipt = readReceipt
        self.lastError = lastError
    }
}

/// What ``MessageQueue/accept(_:)`` did with a message.
public enum MessageAcceptance: Sendable, Hashable {
    /// Stored, durable, due for delivery at its ``QueuedMessage/dueAt``.
    case stored
    /// A message with this id was already stored: nothing changed; the first one's record.
    case duplicate(MessageRecord)
}
