public import Foundation
public import LienthongTrust

/// How an ``AuditLog`` signs checkpoints: the node key and certificate chain, and how often.
///
/// A checkpoint is written every ``everyRecords`` records or ``interval`` seconds after the previous one
/// (whichever comes first, and only when records were added), and always on ``AuditLog/close()``.
///
/// ```swift
/// let signer = try AuditCheckpointSigner(key: nodeKey, chain: nodeChain)
/// let log = try AuditLog(path: path, subjectKey: secret, checkpoints: signer)
/// ```
public struct AuditCheckpointSigner: Sendable {
    /// The node's private key.
    public var key: SigningKey
    /// The node's signing certificate, then intermediates (not the root).
    public var chain: [Certificate]
    /// The member id the checkpoints name; the certificate's subject `CN`.
    public var node: String
    /// The JWS algorithm.
    public var algorithm: JWSAlgorithm
    /// Records between checkpoints at most (checked per written batch).
    public var everyRecords: Int
    /// Seconds between checkpoints at most while records are being added.
    public var interval: TimeInterval
    /// The clock for checkpoint times and the interval rule.
    public var now: @Sendable () -> Date

    /// A signer for `key` and `chain`.
    /// - Parameters:
    ///   - node: the member the checkpoints name; defaults to the leaf certificate's member (`CN`).
    ///   - algorithm: defaults to the key's default algorithm (ES256 for P-256).
    ///   - everyRecords: at least 1; default 1000.
    ///   - interval: default 60 seconds.
    ///   - now: the clock; default the system clock.
    /// - Throws: ``AuditError/Code/checkpoint`` if the chain is empty, names no member, or the key cannot sign
    ///   for it.
    public init(
        key: SigningKey, chain: [Certificate], node: String? = nil, algorithm: JWSAlgorithm? = nil,
        everyRecords: Int = 1000, interval: TimeInterval = 60, now: @escaping @Sendable () -> Date = { Date() }
    ) throws(AuditError) {
        guard let member = node ?? chain.first?.member else {
            throw AuditError(code: .checkpoint, detail: "the checkpoint certificate names no member")
        }
        self.key = key
        self.chain = chain
        self.node = member
        self.algorithm = algorithm ?? key.defaultAlgorithm
        self.everyRecords = max(1, everyRecords)
        self.interval = interval
        self.now = now
        // Fail at start-up rather than at the first checkpoint.
        _ = try sign(seq: 0, hash: AuditChain.genesisHash, at: now())
    }

    /// Signs a checkpoint of head `seq`/`hash` at `time` (the log's own, a seal's, an archive's last record).
    /// - Throws: ``AuditError/Code/checkpoint`` if signing fails.
    public func sign(seq: Int64, hash: String, at time: Date) throws(AuditError) -> AuditCheckpoint {
        do {
            return try AuditCheckpoint.sign(
                seq: seq, hash: hash, at: time, node: node, key: key, chain: chain, algorithm: algorithm)
        } catch {
            throw AuditError(code: .checkpoint, detail: "signing checkpoint \(seq) failed (\(error.code.wireCode))")
        }
    }
}
