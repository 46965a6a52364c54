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
        // The configuration was checked when it was resolved (GatewayConfiguration.resolve), schemas included.
        let schemaDirectory = configuration.schemaDirectory
        let schemas = configuration.catalog
        let openAPI = try OpenAPIDocument.load(
            directory: schemaDirectory, catalog: schemas, registries: configuration.registries,
            purposes: configuration.policy.purposes.map(\.code)
        )
        let dataDirectory = DataDirectory(configuration: configuration)
        let pki = try dataDirectory.prepare()
        let httpClient = HTTPClient()

        let agency = try await DemoAgencyAPI.start(configuration)
        let agencyServer = agency?.server
        let runtimes = try RegistryRuntime.make(
            configuration, httpClient: httpClient, variables: agency?.variables ?? [:]
        )

        let registries = runtimes
        let signers = try Self.signers(configuration, pki: pki)
        let secret = try String(contentsOf: dataDirectory.auditSecretPath, encoding: .utf8)
        let audit = try Self.openAudit(
            configuration, subjectKey: Array(secret.utf8), signer: try Self.checkpointSigner(signers),
            httpClient: httpClient)
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
                audit: audit, identities: try citizenIdentities(configuration, dataDirectory: dataDirectory),
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
                if let found = audit.unverifiedBreak {
                    // Why the node serves no exchange, until an operator seals the break.
                    checks["audit"] = .string("unverified: \(found.failure.rawValue) at seq \(found.seq)")
                    ready = false
                } else {
                    checks["audit"] = "ok"
                }
                for runtime in registries {
                    let health = await runtime.registry.connector.health()
                    checks[runtime.descriptor.name] = .string(health.status.rawValue)
                    if health.status == .down { ready = false }
                }
                return (ready, checks)
            }
        )
        let handler: any HTTPHandler = audit.unverifiedBreak == nil ? router : AuditGate(router: router)
        let server = HTTPServer(configuration: try Self.serverConfiguration(configuration), handler: handler)
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

    /// The citizen identity providers: the configured OpenID Connect issuer, and development tokens on a
    /// development node.
    private static func citizenIdentities(
        _ configuration: GatewayConfiguration, dataDirectory: DataDirectory
    ) throws -> [any CitizenIdentityProvider] {
        var identities: [any CitizenIdentityProvider] = []
        if let settings = configuration.node.citizenIdentity {
            identities.append(try OpenIDCitizenIdentity(settings, dataPath: configuration.dataPath, now: { Date() }))
        }
        if let tokens = try dataDirectory.citizenTokens() { identities.append(tokens) }
        return identities
    }

    static func signers(
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
        return HTTPServerConfiguration(
            host: host, port: port, tls: tls,
            eventLoops: loops > 0 ? loops : HTTPServerConfiguration.defaultEventLoops,
            maxHeaderBytes: limits.maxHeaderBytes, maxBodyBytes: limits.maxBodyBytes,
            maxConnections: limits.maxConnections,
            readTimeout: .milliseconds(Int(limits.readTimeoutSeconds * 1000)),
            writeTimeout: .milliseconds(Int(limits.writeTimeoutSeconds * 1000))
        )
    }
}
