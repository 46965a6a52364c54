public import Foundation

/// A queued message entering its recipient's inbox with its delivery receipt (see
/// ``MessageQueue/deliver(_:)``).
public struct MessageDelivery: Sendable, Hashable {
    /// The message id.
    public var id: String
    /// The signed delivery receipt.
    public var receipt: [UInt8]
    /// When the recipient's node received it.
    public var receivedAt: Date

    /// Creates a delivery.
    public init(id: String, receipt: [UInt8], receivedAt: Date) {
        self.id = id
        self.receipt = receipt
        self.receivedAt = receivedAt
    }
}
