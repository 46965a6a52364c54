import Foundation
import LienthongConnectors
import LienthongCore
import LienthongStorage
import LienthongTrust

/// Prepares a node's data directory on start: the development PKI (when enabled), consumers' token files,
/// the audit secret, and the demo registries built from the seeds.
struct DataDirectory {
    let configuration: GatewayConfiguration

    /// The file a running node holds locked (``lock()``).
    static let lockFileName = "lienthong.lock"

    /// Files of the development PKI, when the node uses one.
    var pkiDirectory: URL { configuration.dataPath("pki") }

    /// Takes an exclusive lock on the data directory for the life of the process.
    ///
    /// A second node on the same data directory would append to the same audit chain; the lock makes it fail at
    /// start, even on another port (a second node on the same port already fails to bind).
    func lock() throws {
        try FileManager.default.createDirectory(at: configuration.dataDirectory, withIntermediateDirectories: true)
        let path = configuration.dataPath(Self.lockFileName).path
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0, flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            throw ConfigurationError(
                file: configuration.dataDirectory.path,
                message: "another Lienthong node is using this data directory"
            )
        }
        // The descriptor stays open (and locked) until the process exits.
    }

    /// Creates what is missing. Idempotent.
    func prepare() throws -> DevelopmentPKI.Files? {
        let fileManager = FileManager.default
        try lock()
        try fileManager.createDirectory(at: configuration.dataPath("secrets"), withIntermediateDirectories: true)

        let pki = try preparePKI()
        if configuration.node.developmentPKI == true {
            try createDevelopmentTokens()
            try createSecret(at: citizenTokenKeyPath)
        }
        try createSecret(at: auditSecretPath)

        try buildDemoRegistries()
        if configuration.node.developmentPKI == true { try writeDemoCitizenTokens() }
        return pki
    }

    /// Builds the demo registries' databases from node.json's `seeds`, when it names them (idempotent).
    func buildDemoRegistries() throws(ConnectorError) {
        guard let seeds = configuration.node.seeds else { return }
        _ = try DemoRegistries.build(
            seedsDirectory: configuration.configPath(seeds).path, dataDirectory: configuration.dataDirectory.path
        )
    }

    /// The development PKI's files (created where missing), on a node with `developmentPKI`; `nil` otherwise.
    func preparePKI() throws -> DevelopmentPKI.Files? {
        guard configuration.node.developmentPKI == true else { return nil }
        var options = DevelopmentPKI.Options()
        for member in configuration.members { options.displayNames[member.id.description] = member.name }
        return try DevelopmentPKI.create(
            in: pkiDirectory,
            providers: Array(Set(configuration.registries.map(\.provider.description))).sorted(),
            consumers: configuration.policy.consumers.filter { !$0.certificateSubjects.isEmpty }.map(\.id.description),
            options: options
        )
    }

    /// New tokens in the consumers' and operators' token files that do not exist yet (development nodes only; also
    /// on reload, for a consumer just added).
    func createDevelopmentTokens() throws {
        for consumer in configuration.policy.consumers {
            for file in consumer.tokenFiles { try createToken(at: configuration.dataPath(file)) }
        }
        for file in configuration.node.operatorTokenFiles ?? [] {
            try createToken(at: configuration.dataPath(file))
        }
        for account in configuration.node.admin?.operators ?? [] {
            for file in account.tokenFiles ?? [] { try createToken(at: configuration.dataPath(file)) }
        }
    }

    /// The key of ``DevelopmentCitizenTokens`` (development nodes only).
    var citizenTokenKeyPath: URL { configuration.dataPath("secrets/citizen-token.key") }

    /// Where the demo citizens' development tokens are written, one `<personalId>.token` file each.
    var citizenTokensDirectory: URL { configuration.dataPath("secrets/citizen-tokens") }

    /// The development citizen token provider, on nodes with a development PKI; `nil` otherwise.
    func citizenTokens() throws -> DevelopmentCitizenTokens? {
        guard configuration.node.developmentPKI == true else { return nil }
        let key = try String(contentsOf: citizenTokenKeyPath, encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return DevelopmentCitizenTokens(key: Array(key.utf8))
    }

    /// Hex SHA-256 of each operator token file.
    func operatorTokenHashes() throws -> [String] {
        try (configuration.node.operatorTokenFiles ?? []).map(tokenHash(file:))
    }

    /// Tokens for the first three people of the demo population registry, so the transparency API can be tried.
    private func writeDemoCitizenTokens() throws {
        let path = configuration.dataPath("population.sqlite").path
        guard FileManager.default.fileExists(atPath: path), let tokens = try citizenTokens() else { return }
        let database = try SQLiteDatabase(path: path, mode: .readOnly)
        for row in try database.query("SELECT so_dinh_danh FROM cong_dan ORDER BY rowid LIMIT 3") {
            guard case .text(let personalID)? = row.first else { continue }
            let file = citizenTokensDirectory.appendingPathComponent("\(personalID).token")
            if !FileManager.default.fileExists(atPath: file.path) {
                try writeSecret(tokens.issue(personalID: personalID) + "\n", to: file)
            }
        }
    }

    /// The node secret keying the audit log's hashes of subject identifiers.
    var auditSecretPath: URL { configuration.dataPath("secrets/audit-hmac.key") }

    /// Hex SHA-256 of each consumer's token files.
    func tokenHashes() throws -> [ExchangeID: [String]] {
        var hashes: [ExchangeID: [String]] = [:]
        for consumer in configuration.policy.consumers {
            for file in consumer.tokenFiles { hashes[consumer.id, default: []].append(try tokenHash(file: file)) }
        }
        return hashes
    }

    /// The hash of the token in a file (relative to the data directory).
    func tokenHash(file: String) throws -> String {
        let token = try String(contentsOf: configuration.dataPath(file), encoding: .utf8)
        return BearerToken.hash(token.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    private func createToken(at url: URL) throws {
        guard !FileManager.default.fileExists(atPath: url.path) else { return }
        try writeSecret("lt_" + Base64URL.encode(SecureRandom.bytes(32)) + "\n", to: url)
    }

    private func createSecret(at url: URL) throws {
        guard !FileManager.default.fileExists(atPath: url.path) else { return }
        try writeSecret(Base64URL.encode(SecureRandom.bytes(32)) + "\n", to: url)
    }

    /// Writes a file only its owner can read.
    private func writeSecret(_ text: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: url.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else { throw ConfigurationError(file: url.lastPathComponent, message: "cannot be written") }
    }
}
