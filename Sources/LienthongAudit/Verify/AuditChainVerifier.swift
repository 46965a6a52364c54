public import LienthongTrust

/// Checks a stream of audit records, checkpoints and seals: pure, one record at a time, so a log of any size is
/// verified in constant memory (plus the checkpoints and seals not yet reached).
///
/// Add every seal first, then feed records in sequence order; a checkpoint may come before its record (as read
/// from the database) or right after it (as in an export). Then call ``finish()``. A break inside a segment that a
/// seal closes is reported in ``AuditVerification/sealedBreaks``, not as a failure.
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
        /// After an element already verified (sequence number `seq` with hash `hash`): a node's incremental
        /// check at start.
        case after(seq: Int64, hash: String)
    }

    private let trust: CertificateVerifier?
    private let start: Start
    private var result = AuditVerification(recordsChecked: 0, firstBad: nil)
    private var expectedSeq: Int64?
    private var previousHash = AuditChain.genesisHash
    private var pending: [Int64: [AuditCheckpoint]] = [:]
    private var seals: [AuditSeal] = []
    private var nextSeal = 0
    /// The first problem of the current segment, while a seal lies ahead that may close it.
    private var segmentBad: AuditVerification.Finding?
    private let witnessed: AuditCheckpoint?
    private var witnessReached = false

    /// A verifier checking checkpoint signatures against `trust`; with `nil`, checkpoints are matched against
    /// the records but their signatures are not checked.
    /// - Parameter witnessed: the latest head a witness holds; the log must reach it with the same hash.
    public init(trust: CertificateVerifier?, start: Start = .genesis, witnessed: AuditCheckpoint? = nil) {
        self.trust = trust
        self.start = start
        self.witnessed = witnessed
        result.signaturesVerified = trust != nil
        result.witnessedHead = witnessed
        switch start {
        case .genesis: expectedSeq = 1
        case .firstRecord: break
        case .after(let seq, let hash):
            expectedSeq = seq + 1
            previousHash = hash
            result.anchorHash = hash
            if witnessed?.seq == seq { witnessReached = true }
        }
    }

    /// Whether a problem no seal covers was found; later input is ignored.
    public var hasFailed: Bool { result.firstBad != nil }

    /// Takes a seal; add every seal before the first record.
    public mutating func add(_ seal: AuditSeal) {
        seals.append(seal)
        seals.sort { $0.seq < $1.seq }
    }

    /// Checks the next record.
    public mutating func add(_ record: AuditRecord) {
        guard !hasFailed else { return }
        closeSegments(before: record.seq)
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
        // The rest of a broken segment cannot be checked as a chain; its seal says so.
        guard segmentBad == nil else { return }
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
        checkWitness(at: record.seq, hash: record.hash)
        for checkpoint in pending.removeValue(forKey: record.seq) ?? [] {
            check(checkpoint, against: record.hash)
            if hasFailed || segmentBad != nil { return }
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

    /// The result: checkpoints still waiting for their records mean the log was truncated, if they are genuine;
    /// so does a witnessed head the log does not reach.
    public mutating func finish() -> AuditVerification {
        closeSegments(before: Int64.max)
        if !hasFailed, let truncation = truncation(upTo: Int64.max) { fail(truncation) }
        if !hasFailed, let witnessed, !witnessReached, witnessed.seq > (seals.last?.seq ?? 0) {
            let last = max(result.lastSeq ?? 0, seals.last?.seq ?? 0, expectedSeq.map { $0 - 1 } ?? 0)
            if witnessed.seq > last {
                result.missingRecords = witnessed.seq - last
                fail(
                    last + 1, .truncated,
                    "the witnessed head \(witnessed.seq) is \(witnessed.seq - last) record(s) after the last one "
                        + "present (\(last))")
            }
        }
        if let lastSeq = result.lastSeq {
            let protectedUpTo = result.lastCheckpointSeq ?? ((result.firstSeq ?? 1) - 1)
            result.unprotectedRecords = max(0, lastSeq - protectedUpTo)
        }
        return result
    }

    /// Closes the segments of every seal before `seq`: the seal must be intact and signed by a checkpoint; the
    /// next segment links to its hash.
    private mutating func closeSegments(before seq: Int64) {
        while !hasFailed, nextSeal < seals.count, seals[nextSeal].seq < seq {
            let seal = seals[nextSeal]
            nextSeal += 1
            let found = segmentBad ?? truncation(upTo: seal.seq - 1)
            segmentBad = nil
            guard !hasFailed else { return }
            // A seal that is not the node's own is never covered by another seal.
            guard seal.isIntact else {
                result.firstBad = .init(
                    seq: seal.seq, failure: .sealUnsigned, detail: "seal content does not hash to its hash")
                return
            }
            guard let signing = pending[seal.seq]?.first(where: { $0.hash == seal.hash }) else {
                result.firstBad = .init(
                    seq: seal.seq, failure: .sealUnsigned, detail: "no checkpoint signs seal \(seal.seq)")
                return
            }
            verifySignature(signing)
            guard !hasFailed else { return }
            pending = pending.filter { $0.key > seal.seq }
            result.checkpointsChecked += 1
            result.lastCheckpointSeq = seal.seq
            result.sealedBreaks.append(AuditVerification.SealedBreak(seal: seal, found: found))
            expectedSeq = seal.seq + 1
            previousHash = seal.hash
            checkWitness(at: seal.seq, hash: seal.hash)
        }
    }

    /// A truncation shown by genuine checkpoints waiting at or before `limit` beyond the last record present.
    private mutating func truncation(upTo limit: Int64) -> AuditVerification.Finding? {
        let waiting = pending.filter { $0.key <= limit }.sorted { $0.key < $1.key }
        guard let furthest = waiting.last?.key else { return nil }
        // A forged checkpoint far ahead must not pass for a truncation: check signatures first.
        for checkpoint in waiting.flatMap(\.value) {
            verifySignature(checkpoint)
            if hasFailed { return nil }
        }
        let last = max(result.lastSeq ?? 0, expectedSeq.map { $0 - 1 } ?? 0)
        result.missingRecords = furthest - last
        return AuditVerification.Finding(
            seq: last + 1, failure: .truncated,
            detail: "checkpoint \(furthest) covers \(furthest - last) record(s) after the last one present (\(last))")
    }

    /// Compares the element at `seq` with the witnessed head, unless a later seal acknowledged a break after it.
    private mutating func checkWitness(at seq: Int64, hash: String) {
        guard let witnessed, witnessed.seq == seq, !seals[nextSeal...].contains(where: { $0.seq > seq }) else {
            return
        }
        witnessReached = true
        if witnessed.hash != hash {
            fail(seq, .replaced, "the element at the witnessed head \(seq) has another hash than the witness holds")
        }
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
            // A forged signature is never covered by a seal.
            result.firstBad = AuditVerification.Finding(
                seq: checkpoint.seq, failure: .checkpointSignature, detail: "\(error.code.wireCode): \(error.detail)")
        }
    }

    private mutating func fail(_ seq: Int64, _ failure: AuditVerification.Failure, _ detail: String) {
        fail(AuditVerification.Finding(seq: seq, failure: failure, detail: detail))
    }

    /// Records a problem: the segment's, if a seal lies ahead that may close it; else the result's.
    private mutating func fail(_ finding: AuditVerification.Finding) {
        if nextSeal < seals.count {
            if segmentBad == nil { segmentBad = finding }
        } else {
            result.firstBad = finding
        }
    }
}
