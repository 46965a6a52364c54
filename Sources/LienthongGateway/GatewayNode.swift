import Foundation
import LienthongAccess
import LienthongAudit
import LienthongConnectors
import LienthongCore
import LienthongHTTP
import LienthongJSON
import LienthongSchema
import LienthongStorage
public import LienthongTrust

/// A running node: its registries, keys, policy, audit log and servers, assembled from a configuration.
///
/// ```swift
/// let node = try await GatewayNode.start(configuration)
/// print(node.port)
/// try await node.run()   // until shutdown()
/// ```
public final class GatewayNode: Sendable {
    /// The port the sharing API listens on.
    public let port: Int
    /// The development PKI's files, when the node created one.
    public let developmentPKI: DevelopmentPKI.Files?
    /// The configuration the node runs.
    public let configuration: GatewayConfiguration

    private let server: HTTPServer
    private let agencyServer: HTTPServer?
    private let audit: AuditLog
    private let registries: [RegistryRuntime]
    private let httpClient: HTTPClient

    /// Prepares the data directory, opens every registry, the audit log and the keys, and binds the servers.
    public static func start(_ configuration: GatewayConfiguration) async throws -> GatewayNode {
        // Refuse to start on a configuration that breaks config.v1 or its cross-references, naming each problem.
        let schemaDirectory = configuration.configPath(configuration.node.schemas ?? "schemas")
        let schemas = try SchemaCatalog.load(directory: schemaDirectory)
        let problems = ConfigurationCheck.run(configDirectory: configuration.configDirectory, catalog: schemas)
        guard problems.isEmpty else { throw InvalidConfiguration(problems: problems) }
        let openAPI = try OpenAPIDocument.load(
            directory: schemaDirectory, catalog: schemas, registries: configuration.registries,
            purposes: configuration.policy.purposes.map(\.code)
        )
        let dataDirectory = DataDirectory(configuration: configuration)
        let pki = try dataDirectory.prepare()
        let httpClient = HTTPClient()

        var agencyServer: HTTPServer?
        var variables: [String: String] = [:]
        if let address = configuration.node.demoAgencyAPI {
            let (host, port) = try ListenAddress.parse(address)
            let server = HTTPServer(
                configuration: HTTPServerConfiguration(host: host, port: port, eventLoops: 1),
                handler: DemoAgencyAPI(dataDirectory: configuration.dataDirectory.path)
            )
            variables["port"] = String(try await server.start())
            agencyServer = server
        }

        var runtimes: [RegistryRuntime] = []
        for descriptor in configuration.registries {
            let registryConfiguration = try RegistryConfiguration(
                document: descriptor.connector,
                baseDirectory: URL(fileURLWithPath: descriptor.connectorFile).deletingLastPathComponent().path
            )
            let registry = try MappedRegistry(
                configuration: registryConfiguration, dataDirectory: configuration.dataDirectory.path,
                httpClient: httpClient, variables: variables
            )
            runtimes.append(
                RegistryRuntime(
                    descriptor: descriptor, registry: registry, schema: try Self.schema(descriptor, in: schemas)
                )
            )
        }

        let registries = runtimes
        let signers = try Self.signers(configuration, pki: pki)
        let secret = try String(contentsOf: dataDirectory.auditSecretPath, encoding: .utf8)
        // The chain head is signed every 1,000 records, every minute and on close. The node has no key of its
        // own yet, so the first provider's signing identity signs its checkpoints.
        let checkpointSigner = try signers.sorted { $0.key < $1.key }.first.map { _, identity in
            try AuditCheckpointSigner(key: identity.key, chain: identity.chain)
        }
        let audit = try AuditLog(
            path: configuration.dataPath("audit.sqlite").path, subjectKey: Array(secret.utf8),
            checkpoints: checkpointSigner
        )
        let recorder = AuditRecorder(log: audit, enabled: configuration.node.audit?.enabled ?? true)
        let policy = AccessPolicy(configuration.policy)
        let replay = try ReplayGuard(
            path: configuration.dataPath("replay.sqlite"),
            configuration: ReplayWindow.Configuration(window: configuration.node.replayWindowSeconds ?? 600),
            now: Date()
        )
        // Signed requests are verified against the node's trust anchors, in the same replay window.
        let signedRequests = SignedRequestVerifier(
            trust: CertificateVerifier(
                trustStore: try TrustStore.load(anchorFiles: configuration.node.trustAnchors.map(configuration.dataPath))
            ),
            replay: replay, now: { Date() }
        )
        guard let requestSchema = schemas.compiled("request.v1") else {
            throw ConfigurationError(
                file: "node.json", pointer: "/schemas", message: "schema request.v1 is not in the schema directory"
            )
        }
        let admission = LookupAdmission(policy: policy, replay: replay, now: { Date() })
        let lookup = RecordLookup(
            registries: Dictionary(runtimes.map { ($0.descriptor.name, $0) }, uniquingKeysWith: { first, _ in first }),
            admission: admission, signers: signers, audit: recorder, signedRequests: signedRequests
        )
        let documents = DocumentLookup(
            registries: lookup.registries, admission: admission, signers: signers, audit: recorder)
        let profiles = ProfileLookup(
            registries: lookup.registries, policy: policy, signers: signers, audit: recorder, replay: replay,
            signedRequests: signedRequests, now: { Date() }
        )
        let router = Router(
            lookup: lookup, documents: documents, profiles: profiles, requestSchema: requestSchema,
            authenticator: ConsumerAuthenticator(
                consumers: configuration.policy.consumers, tokenHashes: try dataDirectory.tokenHashes()
            ),
            policy: policy, schemas: SchemaEndpoints(catalog: schemas),
            transparency: TransparencyEndpoint(
                audit: audit, identities: try dataDirectory.citizenTokens(),
                consumerNames: Dictionary(
                    configuration.policy.consumers.map { ($0.id.description, $0.name) }, uniquingKeysWith: { a, _ in a }
                )
            ),
            reports: ReportEndpoint(
                audit: audit, operators: OperatorAuthenticator(tokenHashes: try dataDirectory.operatorTokenHashes())
            ),
            openAPI: openAPI, configuration: configuration, metrics: Metrics(),
            readiness: {
                var checks: [String: JSONValue] = [:]
                var ready = true
                for runtime in registries {
                    let health = await runtime.registry.connector.health()
                    checks[runtime.descriptor.name] = .string(health.status.rawValue)
                    if health.status == .down { ready = false }
                }
                return (ready, checks)
            }
        )
        let server = HTTPServer(configuration: try Self.serverConfiguration(configuration), handler: router)
        let port = try await server.start()
        return GatewayNode(
            port: port, developmentPKI: pki, configuration: configuration, server: server, agencyServer: agencyServer,
            audit: audit, registries: runtimes, httpClient: httpClient
        )
    }

    private init(
        port: Int, developmentPKI: DevelopmentPKI.Files?, configuration: GatewayConfiguration, server: HTTPServer,
        agencyServer: HTTPServer?, audit: AuditLog, registries: [RegistryRuntime], httpClient: HTTPClient
    ) {
        self.port = port
        self.developmentPKI = developmentPKI
        self.configuration = configuration
        self.server = server
        self.agencyServer = agencyServer
        self.audit = audit
        self.registries = registries
        self.httpClient = httpClient
    }

    /// Serves until ``shutdown()``: then stops accepting, finishes in-flight requests, closes the registries and
    /// flushes the audit log, in reverse start order.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.server.run() }
            if let agencyServer { group.addTask { try await agencyServer.run() } }
            // The API server ends first (shutdown drains it); the agency API must outlive its last lookup.
            try await group.next()
            agencyServer?.shutdown()
            try await group.waitForAll()
        }
        for runtime in registries { await runtime.registry.connector.close() }
        httpClient.shutdown()
        audit.close()
    }

    /// Starts a graceful shutdown; ``run()`` returns once it is complete.
    public func shutdown() {
        server.shutdown()
    }

    private static func schema(_ descriptor: RegistryDescriptor, in catalog: SchemaCatalog) throws -> JSONSchema {
        guard let schema = catalog.compiled(descriptor.schema) else {
            throw ConfigurationError(
                file: "registries.json", pointer: "/\(descriptor.name)",
                message: "schema \(descriptor.schema) is not in the schema directory"
            )
        }
        return schema
    }

    private static func signers(
        _ configuration: GatewayConfiguration, pki: DevelopmentPKI.Files?
    ) throws -> [ExchangeID: JWSSigningIdentity] {
        var signers: [ExchangeID: JWSSigningIdentity] = [:]
        for provider in Set(configuration.registries.map(\.provider)) {
            let certificate: URL
            let key: URL
            if let configured = configuration.node.signing?[provider.description] {
                certificate = configuration.dataPath(configured.certificate)
                key = configuration.dataPath(configured.privateKey)
            } else if let issued = pki?.signing[provider.description] {
                certificate = issued.certificate
                key = issued.key
            } else {
                throw ConfigurationError(
                    file: "node.json", pointer: "/signing", message: "no signing key for provider \(provider)"
                )
            }
            signers[provider] = try JWSSigningIdentity(
                key: try SigningKey.load(from: key), chain: try Certificate.loadChain(from: certificate)
            )
        }
        return signers
    }

    private static func serverConfiguration(_ configuration: GatewayConfiguration) throws -> HTTPServerConfiguration {
        let (host, port) = try ListenAddress.parse(configuration.listen)
        let limits = configuration.limits
        var tls: TLSServerConfiguration?
        if let settings = configuration.node.tls {
            var clientCA: String?
            let authorities = settings.clientCertificateAuthorities.map { configuration.dataPath($0).path }
            if authorities.count == 1 {
                clientCA = authorities[0]
            } else if authorities.count > 1 {
                // OpenSSL takes one CA file: bundle them.
                let bundle = configuration.dataPath("client-cas.pem")
                let pem = try authorities.map { try String(contentsOfFile: $0, encoding: .utf8) }.joined()
                try pem.write(to: bundle, atomically: true, encoding: .utf8)
                clientCA = bundle.path
            }
            tls = TLSServerConfiguration(
                certificateChainPath: configuration.dataPath(settings.certificate).path,
                privateKeyPath: configuration.dataPath(settings.privateKey).path,
                clientCAPath: clientCA
            )
        }
        let loops = configuration.node.eventLoops ?? 0
        var server = HTTPServerConfiguration(
            host: host, port: port, tls: tls,
            eventLoops: loops > 0 ? loops : HTTPServerConfiguration.defaultEventLoops,
            maxHeaderBytes: limits.maxHeaderBytes, maxBodyBytes: limits.maxBodyBytes,
            maxConnections: limits.maxConnections,
            readTimeout: .milliseconds(Int(limits.readTimeoutSeconds * 1000)),
            writeTimeout: .milliseconds(Int(limits.writeTimeoutSeconds * 1000))
        )
        if let perAddress = limits.maxConnectionsPerAddress { server.maxConnectionsPerAddress = perAddress }
        if let seconds = limits.headerTimeoutSeconds { server.headerTimeout = .milliseconds(Int(seconds * 1000)) }
        if let seconds = limits.handshakeTimeoutSeconds { server.handshakeTimeout = .milliseconds(Int(seconds * 1000)) }
        if let rate = limits.minBodyBytesPerSecond { server.minBodyBytesPerSecond = rate }
        return server
    }
}
