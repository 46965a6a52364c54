public import Foundation

/// A document message as the queue keeps it: the signed envelope as received, what routing needs from it, and its
/// attachments' hashes (their bytes live in the data directory, named by hash).
public struct QueuedMessage: Sendable, Hashable {
    /// One attachment of the message, as its envelope declares and its bytes proved.
    public struct Attachment: Sendable, Hashable {
        /// The attachment's name in the message.
        public var name: String
        /// Its media type.
        public var mediaType: String
        /// Base64url SHA-256 of its bytes.
        public var sha256: String
        /// Its length in bytes.
        public var length: Int

        /// An attachment.
        public init(name: String, mediaType: String, sha256: String, length: Int) {
            self.name = name
            self.mediaType = mediaType
            self.sha256 = sha256
            self.length = length
        }
    }

    /// The message id (a lowercase UUID).
    public var id: String
    /// The sending subsystem.
    public var sender: String
    /// The receiving subsystem.
    public var recipient: String
    /// The purpose code.
    public var purpose: String
    /// The subject line.
    public var subject: String
    /// The signed envelope, as received.
    public var envelope: [UInt8]
    /// Base64url SHA-256 of `JCS(message)`.
    public var messageHash: String
    /// The attachments, in message order.
    public var attachments: [Attachment]
    /// When the node accepted it.
    public var acceptedAt: Date
    /// When delivery stops being tried and the message goes to the dead letters.
    public var expiresAt: Date
    /// When the delivery worker first takes it: `acceptedAt` for a message sent here; a lease later for one another
    /// node hands over, which the receiving request delivers itself (the worker takes it only if that request died).
    ///
    /// The queue keeps it as the record's ``MessageRecord/nextAttemptAt``; a message read back has it at `acceptedAt`.
    public var dueAt: Date

    /// A message, due for the delivery worker at `dueAt` (by default when accepted).
    public init(
        id: String, sender: String, recipient: String, purpose: String, subject: String, envelope: [UInt8],
        messageHash: String, attachments: [Attachment], acceptedAt: Date, expiresAt: Date, dueAt: Date? = nil
    ) {
        self.id = id
        self.sender = sender
        self.recipient = recipient
        self.purpose = purpose
        self.subject = subject
        self.envelope = envelope
        self.messageHash = messageHash
        self.attachments = attachments
        self.acceptedAt = acceptedAt
        self.expiresAt = expiresAt
        self.dueAt = dueAt ?? acceptedAt
    }
}
