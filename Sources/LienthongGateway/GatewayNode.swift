import Foundation
import LienthongAudit
import LienthongConnectors
import LienthongCore
import LienthongHTTP
import LienthongSchema
public import LienthongTrust
import Synchronization

/// A running node: its registries, keys, policy, audit log and servers, assembled from a configuration.
///
/// ```swift
/// let node = try await GatewayNode.start(configuration)
/// print(node.port)
/// _ = node.reload { try GatewayConfiguration.load(configDirectory: directory) }   // on SIGHUP
/// try await node.run()   // until shutdown()
/// ```
/// The process-long parts (servers, audit log, replay window, metrics) are made once here; what a reload may
/// change lives in one immutable snapshot that each request reads once and ``reload(_:)`` swaps.
public final class GatewayNode: Sendable {
    /// The port the sharing API listens on.
    public let port: Int
    /// The development PKI's files, when the node created one.
    public var developmentPKI: DevelopmentPKI.Files? { services.developmentPKI }
    /// The configuration the node runs now (after the last applied reload).
    public var configuration: GatewayConfiguration { current.current.configuration }

    private let server: HTTPServer
    private let agencyServer: HTTPServer?
    let services: NodeServices
    /// The snapshot requests start on; ``reload(_:)`` swaps it.
    let current: CurrentSnapshot
    /// Every connector opened, for ``run()`` to close: one replaced by a reload may still serve a request that
    /// started before it, so it stays open until the node stops.
    let opened: Mutex<[any RegistryConnector]>
    /// Reloads attempted so far; held for the whole of a reload, so two reloads never interleave.
    let reloading = Mutex(0)

    /// How many reloads were attempted (applied or refused) since start.
    public var reloadAttempts: Int { reloading.withLock { $0 } }

    /// Prepares the data directory, opens every registry, the audit log and the keys, and binds the servers.
    public static func start(_ configuration: GatewayConfiguration) async throws -> GatewayNode {
        let schemas = try checked(configuration)
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

        let keys = try NodeSigningKeys.load(configuration, developmentPKI: pki, now: Date())
        let audit = try Self.openAudit(configuration, dataDirectory: dataDirectory, keys: keys)
        let replay = try ReplayGuard(
            path: configuration.dataPath("replay.sqlite"),
            configuration: ReplayWindow.Configuration(window: configuration.node.replayWindowSeconds ?? 600),
            now: Date()
        )
        let services = NodeServices(
            audit: AuditRecorder(log: audit, enabled: configuration.node.audit?.enabled ?? true), replay: replay,
            metrics: Metrics(), httpClient: httpClient, connectorVariables: variables, developmentPKI: pki
        )
        var connectors: [any RegistryConnector] = []
        let registries = try openRegistries(configuration, schemas: schemas, services: services, reusing: []) {
            connectors.append($0)
        }
        let snapshot = try GatewaySnapshot.make(
            generation: 0, configuration: configuration, schemas: schemas, keys: keys, registries: registries,
            services: services
        )
        let current = CurrentSnapshot(snapshot)
        let server = HTTPServer(configuration: try Self.serverConfiguration(configuration), handler: current)
        let port = try await server.start()
        return GatewayNode(
            port: port, server: server, agencyServer: agencyServer, services: services, current: current,
            connectors: connectors
        )
    }

    private init(
        port: Int, server: HTTPServer, agencyServer: HTTPServer?, services: NodeServices, current: CurrentSnapshot,
        connectors: [any RegistryConnector]
    ) {
        self.port = port
        self.server = server
        self.agencyServer = agencyServer
        self.services = services
        self.current = current
        self.opened = Mutex(connectors)
    }

    /// Refuses a configuration that breaks config.v1 or its cross-references, naming each problem; start-up and
    /// reload both check through here.
    /// - Returns: the schema catalogue the configuration names.
    static func checked(_ configuration: GatewayConfiguration) throws -> SchemaCatalog {
        let schemaDirectory = configuration.configPath(configuration.node.schemas ?? "schemas")
        let schemas = try SchemaCatalog.load(directory: schemaDirectory)
        let problems = ConfigurationCheck.run(configDirectory: configuration.configDirectory, catalog: schemas)
        guard problems.isEmpty else { throw InvalidConfiguration(problems: problems) }
        return schemas
    }

    /// Opens the audit log. The chain head is signed every 1,000 records, every minute and on close. The node has no
    /// key of its own yet, so the first provider's signing identity at start signs its checkpoints.
    private static func openAudit(
        _ configuration: GatewayConfiguration, dataDirectory: DataDirectory, keys: NodeSigningKeys
    ) throws -> AuditLog {
        let secret = try String(contentsOf: dataDirectory.auditSecretPath, encoding: .utf8)
        let checkpointSigner = try keys.signers.sorted { $0.key < $1.key }.first.map { _, identity in
            try AuditCheckpointSigner(key: identity.key, chain: identity.chain)
        }
        return try AuditLog(
            path: configuration.dataPath("audit.sqlite").path, subjectKey: Array(secret.utf8),
            checkpoints: checkpointSigner
        )
    }

    /// The registries of `configuration`, reusing the open connector of each one whose descriptor is unchanged in
    /// `previous` (a reload), opening the others; `didOpen` is told of each connector opened.
    static func openRegistries(
        _ configuration: GatewayConfiguration, schemas: SchemaCatalog, services: NodeServices,
        reusing previous: [RegistryRuntime], didOpen: (any RegistryConnector) -> Void
    ) throws -> [RegistryRuntime] {
        let running = Dictionary(previous.map { ($0.descriptor, $0.registry) }, uniquingKeysWith: { first, _ in first })
        var runtimes: [RegistryRuntime] = []
        for descriptor in configuration.registries {
            let registry: MappedRegistry
            if let open = running[descriptor] {
                registry = open
            } else {
                let registryConfiguration = try RegistryConfiguration(
                    document: descriptor.connector,
                    baseDirectory: URL(fileURLWithPath: descriptor.connectorFile).deletingLastPathComponent().path
                )
                registry = try MappedRegistry(
                    configuration: registryConfiguration, dataDirectory: configuration.dataDirectory.path,
                    httpClient: services.httpClient, variables: services.connectorVariables
                )
                didOpen(registry.connector)
            }
            runtimes.append(
                RegistryRuntime(
                    descriptor: descriptor, registry: registry,
                    schema: try GatewaySnapshot.schema(descriptor, in: schemas)
                )
            )
        }
        return runtimes
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
        for connector in opened.withLock({ $0 }) { await connector.close() }
        services.httpClient.shutdown()
        services.audit.log.close()
    }

    /// Starts a graceful shutdown; ``run()`` returns once it is complete.
    public func shutdown() {
        server.shutdown()
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
