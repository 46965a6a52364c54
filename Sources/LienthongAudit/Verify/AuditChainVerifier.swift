public import LienthongTrust

/// Checks a stream of audit records and checkpoints: pure, one record at a time, so a log of any size is
/// verified in constant memory (plus the checkpoints not yet reached).
///
/// Feed records in sequence order; a checkpoint may come before its record (as read from the database) or
/// right after it (as in an export). Then call ``finish()``.
///
/// ```swift
/// var verifier = AuditChainVerifier(trust: CertificateVerifier(trustStore: anchors))
/// for checkpoint in checkpoints { verifier.add(checkpoint) }
/// for record in records { verifier.add(record); if verifier.hasFailed { break } }
/// let result = verifier.finish()
/// ```
public struct AuditChainVerifier: Sendable {
    /// Where the chain starts.
    public enum Start: Sendable, Hashable {
        /// At sequence number 1 from ``AuditChain/genesisHash``.
        case genesis
        /// At the first record given, from its `prevHash` (a range export); from the genesis hash if that
        /// record is sequence number 1.
        case firstRecord
    }

    private let trust: CertificateVerifier?
    private let start: Start
    private var result = AuditVerification(recordsChecked: 0, firstBad: nil)
    private var expectedSeq: Int64?
    private var previousHash = AuditChain.genesisHash
    private var pending: [Int64: [AuditCheckpoint]] = [:]

    /// A verifier checking checkpoint signatures against `trust`; with `nil`, checkpoints are matched against
    /// the records but their signatures are not checked.
    public init(trust: CertificateVerifier?, start: Start = .genesis) {
        self.trust = trust
        self.start = start
        result.signaturesVerified = trust != nil
        if start == .genesis { expectedSeq = 1 }
    }

    /// Whether a problem was found; later input is ignored.
    public var hasFailed: Bool { result.firstBad != nil }

    /// Checks the next record.
    public mutating func add(_ record: AuditRecord) {
        guard !hasFailed else { return }
        if expectedSeq == nil {
            expectedSeq = record.seq
            if record.seq != 1 {
                // A range export: the first record's link to its predecessor is taken on trust.
                previousHash = record.prevHash
                result.anchorHash = record.prevHash
                result.startedMidChain = true
                // Checkpoints before the range cannot be checked here.
                pending = pending.filter { $0.key >= record.seq }
            }
        }
        result.recordsChecked += 1
        if result.firstSeq == nil { result.firstSeq = record.seq }
        if record.seq != expectedSeq {
            return fail(record.seq, .sequenceGap, "expected seq \(expectedSeq ?? 0), found \(record.seq)")
        }
        if record.prevHash != previousHash {
            return fail(record.seq, .brokenLink, "prevHash is not the hash of seq \(record.seq - 1)")
        }
        if AuditChain.hash(of: record) != record.hash {
            return fail(record.seq, .hashMismatch, "content does not hash to the stored hash")
        }
        result.lastSeq = record.seq
        expectedSeq = record.seq + 1
        previousHash = record.hash
        for checkpoint in pending.removeValue(forKey: record.seq) ?? [] {
            check(checkpoint, against: record.hash)
            if hasFailed { return }
        }
    }

    /// Takes a checkpoint: checked now if its record was the last one added, else when its record comes.
    public mutating func add(_ checkpoint: AuditCheckpoint) {
        guard !hasFailed else { return }
        if let lastSeq = result.lastSeq, checkpoint.seq <= lastSeq {
            guard checkpoint.seq == lastSeq else {
                return fail(
                    checkpoint.seq, .checkpointMismatch,
                    "checkpoint \(checkpoint.seq) comes after record \(lastSeq): out of order")
            }
            check(checkpoint, against: previousHash)
        } else {
            pending[checkpoint.seq, default: []].append(checkpoint)
        }
    }

    /// The result: checkpoints still waiting for their records mean the log was truncated, if they are genuine.
    public mutating func finish() -> AuditVerification {
        if !hasFailed, !pending.isEmpty {
            let waiting = pending.sorted { $0.key < $1.key }
            // A forged checkpoint far ahead must not pass for a truncation: check signatures first.
            for (_, checkpoints) in waiting {
                for checkpoint in checkpoints {
                    verifySignature(checkpoint)
                    if hasFailed { break }
                }
                if hasFailed { break }
            }
            if !hasFailed, let furthest = waiting.last?.key {
                let last = result.lastSeq ?? (expectedSeq.map { $0 - 1 } ?? 0)
                result.missingRecords = furthest - last
                fail(
                    last + 1, .truncated,
                    "checkpoint \(furthest) covers \(furthest - last) record(s) after the last one present (\(last))")
            }
        }
        if let lastSeq = result.lastSeq {
            let protectedUpTo = result.lastCheckpointSeq ?? ((result.firstSeq ?? 1) - 1)
            result.unprotectedRecords = max(0, lastSeq - protectedUpTo)
        }
        return result
    }

    private mutating func check(_ checkpoint: AuditCheckpoint, against hash: String) {
        verifySignature(checkpoint)
        guard !hasFailed else { return }
        guard checkpoint.hash == hash else {
            return fail(checkpoint.seq, .checkpointMismatch, "checkpoint hash is not the hash of record \(checkpoint.seq)")
        }
        result.checkpointsChecked += 1
        result.lastCheckpointSeq = max(result.lastCheckpointSeq ?? checkpoint.seq, checkpoint.seq)
    }

    private mutating func verifySignature(_ checkpoint: AuditCheckpoint) {
        guard let trust else { return }
        do {
            _ = try checkpoint.verify(trust: trust)
        } catch {
            fail(checkpoint.seq, .checkpointSignature, "\(error.code.wireCode): \(error.detail)")
        }
    }

    private mutating func fail(_ seq: Int64, _ failure: AuditVerification.Failure, _ detail: String) {
        result.firstBad = AuditVerification.Finding(seq: seq, failure: failure, detail: detail)
    }
}
