/// `node.json` `messages`: limits and delivery of documents between agencies, each with its default.
public struct MessagesConfiguration: Sendable, Hashable, Codable {
    /// The largest attachment in bytes.
    public var maxAttachmentBytes: Int?
    /// The largest `POST /v1/messages` body in bytes (it streams to disk); `limits.maxBodyBytes` when absent.
    public var maxMessageBytes: Int?
    /// How long delivery is tried before a message goes to the dead letters.
    public var timeToLiveSeconds: Double?
    /// The wait after the first failed delivery, doubled after each further one.
    public var retryInitialSeconds: Double?
    /// The longest wait between two attempts.
    public var retryMaxSeconds: Double?
    /// The provider whose signing key signs receipts; the first provider in id order when absent.
    public var receiptIssuer: String?
    /// How long a node's delivery worker holds the messages it took before another node's worker may take them.
    public var deliveryLeaseSeconds: Double?

    /// The settings with every default applied.
    public var resolved: Resolved {
        Resolved(
            maxAttachmentBytes: maxAttachmentBytes ?? 1_048_576, timeToLive: .seconds(timeToLiveSeconds ?? 86_400),
            retryInitial: .seconds(retryInitialSeconds ?? 1), retryMax: .seconds(retryMaxSeconds ?? 300),
            receiptIssuer: receiptIssuer, deliveryLease: .seconds(deliveryLeaseSeconds ?? 30))
    }

    /// The settings as the node uses them.
    public struct Resolved: Sendable, Hashable {
        /// The largest attachment in bytes.
        public var maxAttachmentBytes: Int
        /// How long delivery is tried.
        public var timeToLive: Duration
        /// The first wait after a failed attempt.
        public var retryInitial: Duration
        /// The longest wait between attempts.
        public var retryMax: Duration
        /// The receipts' signer, if configured.
        public var receiptIssuer: String?
        /// How long a delivery worker's claim on due messages lasts (shared queue only).
        public var deliveryLease: Duration
    }
}
