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
}
