import Foundation
import LienthongCore
import LienthongStorage

extension AuditLog {
    /// Verifies the chain from the last verified element (the genesis if none) to the head, and the latest
    /// witnessed head: the first break found, or `nil`. Checkpoint signatures are not checked here (see
    /// ``verify(path:trust:witness:)``); their hashes are.
    ///
    /// Records before the verified mark are not re-read: an edit there that keeps every link and checkpoint is
    /// left to `audit verify`. Nor are records archived and taken out of the store (their archive was verified
    /// whole before they went): the check continues from the archived head.
    static func checkAtStart(
        _ store: some AuditChainReading, witness: (any AuditWitness)?, mark: AuditVerifiedMark?
    ) throws(AuditError) -> AuditVerification.Finding? {
        let witnessed = try witness?.latestHead()
        let seals = try store.seals()
        var from: Int64 = 0
        var start = AuditChainVerifier.Start.genesis
        let archived = try store.archivedHead()
        if let archived {
            from = archived.seq
            start = .after(seq: archived.seq, hash: archived.hash)
        }
        if let mark = mark?.load(), mark.seq > from {
            let found = try element(mark.seq, in: store, seals: seals)
            guard let found else {
                return .init(
                    seq: mark.seq, failure: .truncated,
                    detail: "the last verified element \(mark.seq) is not in the log any more")
            }
            guard found == mark.hash else {
                return .init(
                    seq: mark.seq, failure: .replaced,
                    detail: "the last verified element \(mark.seq) has another hash than when it was verified")
            }
            from = mark.seq
            start = .after(seq: mark.seq, hash: mark.hash)
        }
        // A witnessed head at or before the mark is not met by the verifier: compare it here.
        if let witnessed, witnessed.seq <= from, witnessed.seq >= archived?.seq ?? 0,
            !seals.contains(where: { $0.seq > witnessed.seq }),
            try element(witnessed.seq, in: store, seals: seals) != witnessed.hash
        {
            return .init(
                seq: witnessed.seq, failure: .replaced,
                detail: "the element at the witnessed head \(witnessed.seq) has another hash than the witness holds")
        }
        var verifier = AuditChainVerifier(trust: nil, start: start, witnessed: witnessed)
        for seal in seals where seal.seq > from { verifier.add(seal) }
        for checkpoint in try store.checkpoints(after: from) { verifier.add(checkpoint) }
        try store.forEachRecord(after: from) { record in
            verifier.add(record)
            return !verifier.hasFailed
        }
        return verifier.finish().firstBad
    }

    /// The hash of the record or seal at `seq`, if there is one.
    private static func element(_ seq: Int64, in store: some AuditChainReading, seals: [AuditSeal])
        throws(AuditError) -> String?
    {
        if seq == 0 { return AuditChain.genesisHash }
        if let archived = try store.archivedHead(), archived.seq == seq { return archived.hash }
        if let seal = seals.first(where: { $0.seq == seq }) { return seal.hash }
        return try store.hash(auditSeq: seq)
    }

    /// Seals the break the start check finds in the log at `path`: stores an ``AuditSeal`` (where, what, who,
    /// when) signed by a checkpoint, hands that checkpoint to the witness and marks the seal verified, so a node
    /// started next serves again, on a new segment that links to the seal. Run it while no node uses the log.
    /// - Returns: the seal, or `nil` if the chain verifies (nothing to seal).
    /// - Throws: ``AuditError`` if the log, the witness or the signature fails.
    public static func seal(
        path: String, operatorName: String, signer: AuditCheckpointSigner, witness: (any AuditWitness)?,
        mark: AuditVerifiedMark?
    ) throws(AuditError) -> AuditSeal? {
        let store: AuditStore
        do {
            store = try AuditStore(path: path)
        } catch {
            throw AuditError(code: .storage, detail: "cannot open the audit log (\(error.code))")
        }
        guard let finding = try checkAtStart(store, witness: witness, mark: mark) else { return nil }
        let time = signer.now()
        let seal: AuditSeal
        do {
            // Past every sequence number the broken segment used or a witness holds: nothing of it is reused.
            let seq = max(try store.highestSeq(), try witness?.latestHead()?.seq ?? 0, mark?.load()?.seq ?? 0) + 1
            seal = AuditSeal(
                seq: seq, breakSeq: finding.seq, failure: finding.failure.rawValue, operatorName: operatorName,
                time: Timestamp.rfc3339(time, milliseconds: true), node: signer.node,
                prevHash: try store.head().headHash)
            let checkpoint = try signer.sign(seq: seal.seq, hash: seal.hash, at: time)
            try store.insert(seal, signedBy: checkpoint)
            try witness?.witness(checkpoint)
        } catch let error as AuditError {
            throw error
        } catch let error as StorageError {
            throw AuditError(code: .storage, detail: "writing the seal failed (\(error.code))")
        } catch {
            throw AuditError(code: .storage, detail: "writing the seal failed")
        }
        try mark?.save(seq: seal.seq, hash: seal.hash)
        return seal
    }
}
