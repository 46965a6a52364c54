import Foundation
public import LienthongAudit
import LienthongCore
import LienthongHTTP
import LienthongNodeStore
import LienthongTrust

extension GatewayNode {
    /// The audit log's witness: `audit.witness` in `node.json` (relative to the configuration directory), else
    /// ``AuditWitnessFile/defaultPath(dataDirectory:)`` beside the data directory.
    static func auditWitness(_ configuration: GatewayConfiguration) -> AuditWitnessFile {
        AuditWitnessFile(
            path: configuration.node.audit?.witness.map { configuration.configPath($0).path }
                ?? AuditWitnessFile.defaultPath(dataDirectory: configuration.dataDirectory))
    }

    /// The node's checkpoint signer. The node has no key of its own yet, so the first provider's signing identity
    /// signs its checkpoints: every 1,000 records, every minute and on close.
    static func checkpointSigner(_ signers: [ExchangeID: JWSSigningIdentity]) throws -> AuditCheckpointSigner? {
        try signers.sorted { $0.key < $1.key }.first.map { _, identity in
            try AuditCheckpointSigner(key: identity.key, chain: identity.chain)
        }
    }

    /// The checkpoint signer of the offline audit commands (a seal, an archive's closing checkpoints): the node's
    /// key, as its log signs with, loaded from its configuration and data directory.
    /// - Throws: ``ConfigurationError`` if the node has no signing key.
    public static func offlineCheckpointSigner(_ configuration: GatewayConfiguration) throws -> AuditCheckpointSigner {
        let dataDirectory = DataDirectory(configuration: configuration)
        let keys = try NodeSigningKeys.load(configuration, developmentPKI: try dataDirectory.preparePKI(), now: Date())
        guard let signer = try checkpointSigner(keys.signers) else {
            throw ConfigurationError(file: "node.json", pointer: "/signing", message: "no key to sign with")
        }
        return signer
    }

    /// Opens the audit log and verifies it from the last verified element and against the witness; on a break,
    /// says so on stderr (the node then serves no exchange, see ``AuditGate``).
    /// With `audit.timestampAuthority`, each checkpoint is also time-stamped (``AuditTimestamper``).
    static func openAudit(
        _ configuration: GatewayConfiguration, store: any NodeStateStore, subjectKey: [UInt8],
        signer: AuditCheckpointSigner?, httpClient: HTTPClient
    ) throws -> AuditLog {
        let witness = auditWitness(configuration)
        let path = configuration.dataPath("audit.sqlite").path
        let timestamper = configuration.node.audit?.timestampAuthority.map { url in
            AuditTimestamper(url: url, client: httpClient, logPath: path)
        }
        let log = try AuditLog(
            storage: try store.openAudit(), subjectKey: subjectKey, checkpoints: signer, witness: witness,
            verifiedMark: AuditVerifiedMark(witnessPath: witness.path), afterCheckpoint: timestamper?.afterCheckpoint)
        if let found = log.unverifiedBreak {
            Console.warn(
                "lienthong: the audit log did not verify: \(found.failure.rawValue) at seq \(found.seq) "
                    + "(\(found.detail)); no exchange is served until an operator runs "
                    + "`lienthong audit seal --operator NAME`")
        }
        return log
    }

    /// Seals the break in a stopped node's audit log (`lienthong audit seal`), signed with the node's checkpoint
    /// key and witnessed: the node serves again on its next start, and the break stays visible to `audit verify`.
    /// On PostgreSQL it seals this node's chain only (the other nodes' chains are theirs).
    /// - Returns: the seal, or `nil` if the log verifies (nothing to seal).
    public static func sealAudit(_ configuration: GatewayConfiguration, operatorName: String) throws -> AuditSeal? {
        let dataDirectory = DataDirectory(configuration: configuration)
        // A running node holds the lock: its log must not change underneath it.
        try dataDirectory.lock()
        let signer = try offlineCheckpointSigner(configuration)
        let witness = auditWitness(configuration)
        let mark = AuditVerifiedMark(witnessPath: witness.path)
        guard configuration.node.storage?.kind == .postgres else {
            return try AuditLog.seal(
                path: configuration.dataPath("audit.sqlite").path, operatorName: operatorName, signer: signer,
                witness: witness, mark: mark)
        }
        // Opening takes the chain's writer lock: a node with this id running elsewhere refuses the seal too.
        let storage = try configuration.nodeStateStore().openAudit()
        defer { storage.close() }
        guard let sealable = storage as? any AuditSealStorage else {
            throw ConfigurationError(file: "node.json", pointer: "/storage", message: "this storage cannot be sealed")
        }
        return try AuditLog.seal(
            storage: sealable, operatorName: operatorName, signer: signer, witness: witness, mark: mark)
    }
}
