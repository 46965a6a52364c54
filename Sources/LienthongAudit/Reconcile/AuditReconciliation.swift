/// The exchanges between two nodes that one node's audit log holds and the other's does not: for a cross-node
/// lookup both the consumer node and the provider node record the same request id, request hash and message hash,
/// so a record without its twin is an exchange only one side can account for.
///
/// Pure: the caller reads both logs for the same time range (``AuditLog/records(path:from:to:)``).
public struct AuditReconciliation: Sendable {
    /// What identifies one exchange on both sides.
    public struct ExchangeKey: Sendable, Hashable {
        /// The request id.
        public var requestID: String
        /// The SHA-256 of the request (the signed request envelope's message).
        public var requestSHA256: String
        /// The SHA-256 of the response message; `nil` for a refusal.
        public var messageSHA256: String?
        /// The SHA-256 of the receipt of a document between nodes (its delivery, then its read receipt: two
        /// exchanges of one message id); `nil` for a lookup.
        public var documentSHA256: String?
    }

    /// The records of this node's log with no twin in the peer's, in log order.
    public var missingAtPeer: [AuditRecord]
    /// The records of the peer's log with no twin in this node's, in log order.
    public var missingHere: [AuditRecord]
    /// How many exchanges both logs hold.
    public var matched: Int

    /// Whether both logs account for the same exchanges.
    public var isReconciled: Bool { missingAtPeer.isEmpty && missingHere.isEmpty }

    /// Compares `local` and `peer`: records with a request hash (every forwarded exchange has one) between a member
    /// of `members` and a member of `peerMembers` (either way round), matched on request id, request hash, message
    /// hash and, for documents between nodes, receipt hash.
    /// - Parameters:
    ///   - members: the members this node serves (`VN/GOV/HCM`); a record's consumer and provider count by member.
    ///   - peerMembers: the members the peer node serves.
    public init(local: [AuditRecord], peer: [AuditRecord], members: Set<String>, peerMembers: Set<String>) {
        func between(_ record: AuditRecord) -> Bool {
            guard record.requestSHA256 != nil else { return false }
            let consumer = record.consumer.map(Self.member)
            let provider = record.provider.map(Self.member)
            func within(_ id: String?, _ set: Set<String>) -> Bool { id.map(set.contains) ?? false }
            return (within(consumer, members) && within(provider, peerMembers))
                || (within(consumer, peerMembers) && within(provider, members))
        }
        func key(_ record: AuditRecord) -> ExchangeKey {
            ExchangeKey(
                requestID: record.requestID, requestSHA256: record.requestSHA256 ?? "",
                messageSHA256: record.messageSHA256, documentSHA256: record.documentSHA256)
        }
        let here = local.filter(between)
        let there = peer.filter(between)
        let hereKeys = Set(here.map(key))
        let thereKeys = Set(there.map(key))
        missingAtPeer = here.filter { !thereKeys.contains(key($0)) }
        missingHere = there.filter { !hereKeys.contains(key($0)) }
        matched = hereKeys.intersection(thereKeys).count
    }

    /// `VN/GOV/BCA/DANCU` → `VN/GOV/BCA`: the member of a subsystem or service id.
    static func member(_ id: String) -> String {
        id.split(separator: "/", omittingEmptySubsequences: false).prefix(3).joined(separator: "/")
    }
}
