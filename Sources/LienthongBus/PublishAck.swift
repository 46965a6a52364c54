/// JetStream's acknowledgement of a publish: the message is stored (replicated as its stream says).
public struct PublishAck: Sendable, Hashable {
    /// The stream's sequence number of the message.
    public var sequence: UInt64
    /// `true` when the stream already held a message with this `Nats-Msg-Id` (within its duplicate window): this
    /// publish stored nothing.
    public var duplicate: Bool
}
