/// The result of checking a sequence of audit records against the chain rule.
public struct AuditVerification: Sendable, Hashable {
    /// What is wrong at the first bad record.
    public enum Failure: String, Sendable, Hashable {
        /// A sequence number is missing or out of order (a record was deleted, inserted or reordered).
        case sequenceGap = "audit.sequence-gap"
        /// A record's `prevHash` is not the previous record's hash.
        case brokenLink = "audit.broken-link"
        /// A record's content does not hash to its `hash` (it was modified).
        case hashMismatch = "audit.hash-mismatch"
    }

    /// How many records were checked.
    public var recordsChecked: Int
    /// The first bad record's sequence number and what is wrong with it; `nil` when the chain holds.
    public var firstBad: (seq: Int64, failure: Failure)?

    /// Whether every record checked holds.
    public var isValid: Bool { firstBad == nil }

    /// Checks records in stored order, starting from the genesis hash.
    public static func check(_ records: some Sequence<AuditRecord>) -> AuditVerification {
        var expectedSeq: Int64 = 1
        var previousHash = AuditChain.genesisHash
        var count = 0
        for record in records {
            count += 1
            if record.seq != expectedSeq { return AuditVerification(recordsChecked: count, firstBad: (record.seq, .sequenceGap)) }
            if record.prevHash != previousHash {
                return AuditVerification(recordsChecked: count, firstBad: (record.seq, .brokenLink))
            }
            if AuditChain.hash(of: record) != record.hash {
                return AuditVerification(recordsChecked: count, firstBad: (record.seq, .hashMismatch))
            }
            expectedSeq += 1
            previousHash = record.hash
        }
        return AuditVerification(recordsChecked: count, firstBad: nil)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.recordsChecked == rhs.recordsChecked && lhs.firstBad?.seq == rhs.firstBad?.seq
            && lhs.firstBad?.failure == rhs.firstBad?.failure
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(recordsChecked)
        hasher.combine(firstBad?.seq)
    }
}
