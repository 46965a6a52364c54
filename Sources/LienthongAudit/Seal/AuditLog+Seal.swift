import Foundation
import LienthongCore

/// A store holding a node's chain that an operator's seal can be written into (`lienthong audit seal`): besides
/// what the log writes, its highest sequence number and the insertion of a seal with its checkpoint.
public protocol AuditSealStorage: AuditStorage {
    /// The largest sequence number any record, checkpoint or seal of this node's chain uses (0 for none).
    func highestSeq() throws(AuditError) -> Int64
    /// Stores a seal of this node's chain and the checkpoint signing it, together and durably.
    func insert(_ seal: AuditSeal, signedBy checkpoint: AuditCheckpoint) throws(AuditError)
}

/// What ``AuditLog/seal(path:operatorName:signer:witness:mark:)`` and its storage twin write into.
protocol AuditSealTarget: AuditChainReading {
    func highestSeq() throws(AuditError) -> Int64
    func headHash() throws(AuditError) -> String
    func insert(_ seal: AuditSeal, signedBy checkpoint: AuditCheckpoint) throws(AuditError)
}

extension AuditStore: AuditSealTarget {}

/// An ``AuditSealStorage`` as a seal target.
private struct AuditStorageSealTarget<Storage: AuditSealStorage>: AuditSealTarget {
    let storage: Storage
    private var chain: AuditStorageChain { AuditStorageChain(storage: storage) }

    func seals() throws(AuditError) -> [AuditSeal] { try chain.seals() }
    func checkpoints(after seq: Int64) throws(AuditError) -> [AuditCheckpoint] { try chain.checkpoints(after: seq) }
    func hash(auditSeq seq: Int64) throws(AuditError) -> String? { try chain.hash(auditSeq: seq) }
    func forEachRecord(after seq: Int64, _ body: (AuditRecord) -> Bool) throws(AuditError) {
        try chain.forEachRecord(after: seq, body)
    }
    func archivedHead() throws(AuditError) -> (seq: Int64, hash: String)? { try chain.archivedHead() }
    func highestSeq() throws(AuditError) -> Int64 { try storage.highestSeq() }
    func headHash() throws(AuditError) -> String { try storage.head().headHash }
    func insert(_ seal: AuditSeal, signedBy checkpoint: AuditCheckpoint) throws(AuditError) {
        try storage.insert(seal, signedBy: checkpoint)
    }
}

extension AuditLog {
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
        return try seal(in: store, operatorName: operatorName, signer: signer, witness: witness, mark: mark)
    }

    /// Seals the break the start check finds in one node's chain in `storage` (a store several nodes share keeps
    /// a chain each), as ``seal(path:operatorName:signer:witness:mark:)`` does for a file. Run it while the node
    /// is stopped.
    /// - Returns: the seal, or `nil` if the chain verifies (nothing to seal).
    /// - Throws: ``AuditError`` if the store, the witness or the signature fails.
    public static func seal(
        storage: some AuditSealStorage, operatorName: String, signer: AuditCheckpointSigner,
        witness: (any AuditWitness)?, mark: AuditVerifiedMark?
    ) throws(AuditError) -> AuditSeal? {
        try seal(
            in: AuditStorageSealTarget(storage: storage), operatorName: operatorName, signer: signer,
            witness: witness, mark: mark)
    }

    private static func seal(
        in store: some AuditSealTarget, operatorName: String, signer: AuditCheckpointSigner,
        witness: (any AuditWitness)?, mark: AuditVerifiedMark?
    ) throws(AuditError) -> AuditSeal? {
        guard let finding = try checkAtStart(store, witness: witness, mark: mark) else { return nil }
        let time = signer.now()
        // Past every sequence number the broken segment used or a witness holds: nothing of it is reused.
        let seq = max(try store.highestSeq(), try witness?.latestHead()?.seq ?? 0, mark?.load()?.seq ?? 0) + 1
        let seal = AuditSeal(
            seq: seq, breakSeq: finding.seq, failure: finding.failure.rawValue, operatorName: operatorName,
            time: Timestamp.rfc3339(time, milliseconds: true), node: signer.node, prevHash: try store.headHash())
        let checkpoint = try signer.sign(seq: seal.seq, hash: seal.hash, at: time)
        try store.insert(seal, signedBy: checkpoint)
        try witness?.witness(checkpoint)
        try mark?.save(seq: seal.seq, hash: seal.hash)
        return seal
    }
}
