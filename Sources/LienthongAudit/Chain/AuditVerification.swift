/// The result of checking audit records and checkpoints against the chain rule.
public struct AuditVerification: Sendable, Hashable {
    /// What is wrong at the first bad record or checkpoint.
    public enum Failure: String, Sendable, Hashable {
        /// A sequence number is missing or out of order (a record was deleted, inserted or reordered).
        case sequenceGap = "audit.sequence-gap"
        /// A record's `prevHash` is not the previous record's hash.
        case brokenLink = "audit.broken-link"
        /// A record's content does not hash to its `hash` (it was modified).
        case hashMismatch = "audit.hash-mismatch"
        /// A checkpoint's signature does not verify, or its certificate does not chain to a trust anchor or does
        /// not name the checkpoint's node.
        case checkpointSignature = "audit.checkpoint-signature"
        /// A validly signed checkpoint names a hash that is not the hash of the record at its sequence number
        /// (records up to it were rewritten and rehashed).
        case checkpointMismatch = "audit.checkpoint-mismatch"
        /// A validly signed checkpoint covers records that are not there: records after the last one present
        /// were removed.
        case truncated = "audit.truncated"
        /// The element at the witnessed head's sequence number has another hash than the witness holds: the log
        /// was replaced or rewritten since the head was witnessed.
        case replaced = "audit.replaced"
        /// A seal has no checkpoint signing its hash: it was not written by the node.
        case sealUnsigned = "audit.seal-unsigned"
        /// A checkpoint's RFC 3161 time stamp does not verify against the TSA anchors, or the checkpoint claims a
        /// time after the stamp's.
        case timestamp = "audit.timestamp"
    }

    /// A break an operator sealed (``AuditSeal``): the records before the seal are not vouched for as a chain, and
    /// the break stays visible.
    public struct SealedBreak: Sendable, Hashable {
        /// The seal, as signed.
        public var seal: AuditSeal
        /// What this verification found in the sealed segment, if anything (a break seen only against the
        /// witness leaves no trace in the log itself).
        public var found: Finding?
    }

    /// The first problem found.
    public struct Finding: Sendable, Hashable {
        /// The sequence number of the first bad record; for ``Failure/truncated``, the first missing one; for
        /// checkpoint failures, the checkpoint's sequence number.
        public var seq: Int64
        /// What is wrong.
        public var failure: Failure
        /// Context (ids and codes only).
        public var detail: String
    }

    /// How many records were checked.
    public var recordsChecked: Int
    /// The first bad record's sequence number and what is wrong with it; `nil` when the chain holds.
    public var firstBad: Finding?
    /// The first record's sequence number, if any record was read.
    public var firstSeq: Int64?
    /// The last record's sequence number, if any record was read.
    public var lastSeq: Int64?
    /// The `prevHash` the check started from: the genesis hash, or for a range export the first record's
    /// `prevHash`, taken on trust.
    public var anchorHash: String = AuditChain.genesisHash
    /// Whether the check started mid-chain (a range export) from the first record's `prevHash`.
    public var startedMidChain: Bool = false
    /// How many checkpoints matched their records (and, if ``signaturesVerified``, had valid signatures).
    public var checkpointsChecked: Int = 0
    /// Whether checkpoint signatures were verified against trust anchors.
    public var signaturesVerified: Bool = false
    /// The sequence number of the last checkpoint that held.
    public var lastCheckpointSeq: Int64?
    /// Records after the last checkpoint that held: nothing signed vouches for them, so their removal could not
    /// be detected.
    public var unprotectedRecords: Int64 = 0
    /// For ``Failure/truncated``: how many records a checkpoint vouches for beyond the last one present.
    public var missingRecords: Int64 = 0

    /// Breaks found earlier and sealed by an operator, oldest first.
    public var sealedBreaks: [SealedBreak] = []
    /// The witnessed head compared with the log, when a witness was given.
    public var witnessedHead: AuditCheckpoint?

    /// Whether checkpoint time stamps were verified against TSA anchors.
    public var timestampsVerified: Bool = false
    /// How many checkpoint time stamps verified.
    public var timestampsChecked: Int = 0

    /// Whether every record and checkpoint checked holds.
    public var isValid: Bool { firstBad == nil }

    /// Checks records in stored order, starting from the genesis hash, without checkpoints.
    public static func check(_ records: some Sequence<AuditRecord>) -> AuditVerification {
        var verifier = AuditChainVerifier(trust: nil)
        for record in records {
            verifier.add(record)
            if verifier.hasFailed { break }
        }
        return verifier.finish()
    }
}
