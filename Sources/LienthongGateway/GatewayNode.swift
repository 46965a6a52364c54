import Foundation
import LienthongAudit
import LienthongConnectors
import LienthongCore
import LienthongHTTP
import LienthongSchema
import LienthongStorage
import LienthongNodeStore
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
/// The process-long parts (servers, audit log, replay window, rate-limit state, metrics) are made once here; what a
/// reload may change lives in one immutable snapshot that each request reads once and ``reload(_:)`` swaps.
public final class GatewayNode: Sendable {
    /// The port the sharing API listens on.
    public let port: Int
    /// The port the admin listener listens on.
    public let adminPort: Int
    /// The development PKI's files, when the node created one.
    public var developmentPKI: DevelopmentPKI.Files? { services.developmentPKI }
    /// The configuration the node runs now (after the last applied reload).
    public var configuration: GatewayConfiguration { current.current.configuration }

    private let server: HTTPServer
    private let adminServer: HTTPServer
    private let agencyServer: HTTPServer?
    let services: NodeServices
    /// The snapshot requests start on; ``reload(_:)`` swaps it.
    let current: CurrentSnapshot
    /// Every connector opened, for ``run()`` to close: one replaced by a reload may still serve a request that
    /// started before it, so it stays open until the node stops.
    let opened: Mutex<[any RegistryConnector]>
    /// Reloads attempted so far; held for the whole of a reload, so two reloads never interleave.
    let reloading = Mutex(0)
    /// Writes the access and error log; `nil` when the level is `off`.
    let logWriter: LogWriter?
    /// Fetches the global configuration while the node runs; `nil` on a node in no federation.
    private let federationRefresh: FederationRefresh?

    /// How many reloads were attempted (applied or refused) since start.
    public var reloadAttempts: Int { reloading.withLock { $0 } }

    /// Prepares the data directory, opens every registry, the audit log and the keys, and binds the servers.
    public static func start(_ configuration: GatewayConfiguration) async throws -> GatewayNode {
        // The configuration was checked when it was resolved (GatewayConfiguration.resolve), schemas included.
        let logLevel = try LogLevel.resolve(
            environment: ProcessInfo.processInfo.environment, configured: configuration.node.log?.level)
        let dataDirectory = DataDirectory(configuration: configuration)
        let pki = try dataDirectory.prepare()
        let httpClient = HTTPClient()

        let agency = try await DemoAgencyAPI.start(configuration)
        let keys = try NodeSigningKeys.load(configuration, developmentPKI: pki, now: Date())
        let secret = try String(contentsOf: dataDirectory.auditSecretPath, encoding: .utf8)
        let store = try configuration.nodeStateStore()
        let audit = try Self.openAudit(
            configuration, store: store, subjectKey: Array(secret.utf8),
            signer: try Self.checkpointSigner(keys.signers), httpClient: httpClient)
        let replay = try store.openReplay(
            ReplayWindow.Configuration(window: configuration.node.replayWindowSeconds ?? 600), now: Date())
        let federation = configuration.node.federation.map { FederationState(grace: $0.expiryGrace) }
        let services = NodeServices(
            audit: AuditRecorder(log: audit, enabled: configuration.node.audit?.enabled ?? true), replay: replay,
            metrics: Metrics(), httpClient: httpClient, connectorVariables: agency?.variables ?? [:],
            developmentPKI: pki, rateLimits: RateLimitStore(clock: ContinuousClock()),
            messages: try Self.messageQueue(configuration, store: store), attachments: try store.openAttachments(),
            events: try Self.eventLog(configuration, store: store),
            federation: federation,
            peers: configuration.node.federation.flatMap { settings in
                federation.map { FederationPeers(state: $0, settings: settings, dataPath: configuration.dataPath) }
            }
        )
        var connectors: [any RegistryConnector] = []
        let registries = try openRegistries(configuration, services: services, reusing: []) {
            connectors.append($0)
        }
        let snapshot = try GatewaySnapshot.make(
            generation: 0, configuration: configuration, keys: keys, registries: registries, services: services
        )
        let current = CurrentSnapshot(snapshot)
        // A break found at start stays until an operator seals it, which needs the node stopped.
        let gated: any HTTPHandler = audit.unverifiedBreak == nil ? current : AuditGate(next: current)
        let logWriter = logLevel == .off ? nil : LogWriter(level: logLevel)
        let federationRefresh = try services.federation.flatMap { state in
            try FederationRefresh.make(configuration, state: state) { entry in
                if logLevel.logs(entry.level) { logWriter?.write(entry) }
            }
        }
        var apiConfiguration = try Self.serverConfiguration(configuration)
        apiConfiguration.observer = services.metrics.serverObserver(listener: "api")
        let server = HTTPServer(
            configuration: apiConfiguration,
            handler: logWriter.map { RequestLogging(next: gated, level: logLevel, writer: $0) } ?? gated
        )
        let admin = AdminAPI(current: current, services: services)
        let adminServer = try Self.adminServer(
            configuration, api: apiConfiguration, metrics: services.metrics, handler: admin)
        let port: Int
        let adminPort: Int
        do {
            port = try await server.start()
            adminPort = try await adminServer.start()
        } catch {
            server.shutdown()
            logWriter?.close()
            throw error
        }
        let node = GatewayNode(
            port: port, adminPort: adminPort, server: server, adminServer: adminServer, agencyServer: agency?.server,
            services: services, current: current, connectors: connectors, logWriter: logWriter,
            federationRefresh: federationRefresh
        )
        admin.attach(node)
        return node
    }

    private init(
        port: Int, adminPort: Int, server: HTTPServer, adminServer: HTTPServer, agencyServer: HTTPServer?,
        services: NodeServices, current: CurrentSnapshot, connectors: [any RegistryConnector], logWriter: LogWriter?,
        federationRefresh: FederationRefresh?
    ) {
        self.port = port
        self.adminPort = adminPort
        self.server = server
        self.adminServer = adminServer
        self.agencyServer = agencyServer
        self.services = services
        self.current = current
        self.opened = Mutex(connectors)
        self.logWriter = logWriter
        self.federationRefresh = federationRefresh
    }

    /// The registries of `configuration`, reusing the open connector of each one whose descriptor is unchanged in
    /// `previous` (a reload), opening the others; `didOpen` is told of each connector opened.
    static func openRegistries(
        _ configuration: GatewayConfiguration, services: NodeServices, reusing previous: [RegistryRuntime],
        didOpen: (any RegistryConnector) -> Void
    ) throws -> [RegistryRuntime] {
        let running = Dictionary(previous.map { ($0.descriptor, $0) }, uniquingKeysWith: { first, _ in first })
        return try configuration.registries.map { descriptor in
            if let open = running[descriptor] {
                return RegistryRuntime(
                    descriptor: descriptor, registry: open.registry,
                    schema: try RegistryRuntime.compiledSchema(of: descriptor, in: configuration.catalog))
            }
            let runtime = try RegistryRuntime.make(
                descriptor, configuration, httpClient: services.httpClient, variables: services.connectorVariables)
            didOpen(runtime.registry.connector)
            return runtime
        }
    }

    /// Serves until ``shutdown()``: then stops accepting, finishes in-flight requests, closes the registries and
    /// flushes the audit log, in reverse start order.
    public func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.adminServer.run() }
            if let agencyServer { group.addTask { try await agencyServer.run() } }
            // The API server ends first (shutdown drains it); the agency API must outlive its last lookup.
            try await self.runAPI()
            adminServer.shutdown()
            agencyServer?.shutdown()
            try await group.waitForAll()
        }
        for connector in opened.withLock({ $0 }) { await connector.close() }
        services.httpClient.shutdown()
        services.peers?.shutdown()
        // Waits for the writer's last batch and final checkpoint: blocking work, kept off the cooperative pool.
        await BlockingPool.shared.run { [services] in services.audit.log.close() }
        logWriter?.close()
    }

    /// The API server until it has drained, with the document delivery worker, the bus intake and the federation
    /// refresh beside it as child tasks, cancelled then.
    private func runAPI() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.deliverMessages() }
            group.addTask { await self.receiveFromBus() }
            group.addTask { await self.publishEvents() }
            if let federationRefresh { group.addTask { await federationRefresh.run() } }
            try await server.run()
            group.cancelAll()
        }
    }

    /// Starts a graceful shutdown; ``run()`` returns once it is complete.
    public func shutdown() {
        server.shutdown()
        adminServer.shutdown()
    }

    /// Reads the API listener's certificate, key and client CAs again for the connections accepted from now on (a
    /// reload): a rotated certificate applies without a restart, the open connections finish on the old one.
    func reloadTLS(_ configuration: GatewayConfiguration) throws {
        guard let tls = try Self.serverTLS(configuration) else { return }
        try server.replaceTLS(tls)
    }

    /// The API listener's TLS settings of `configuration`, if it has any.
    private static func serverTLS(_ configuration: GatewayConfiguration) throws -> TLSServerConfiguration? {
        guard let settings = configuration.node.tls else { return nil }
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
        return TLSServerConfiguration(
            certificateChainPath: configuration.dataPath(settings.certificate).path,
            privateKeyPath: configuration.dataPath(settings.privateKey).path,
            clientCAPath: clientCA
        )
    }

    private static func serverConfiguration(_ configuration: GatewayConfiguration) throws -> HTTPServerConfiguration {
        let (host, port) = try ListenAddress.parse(configuration.listen)
        let limits = configuration.limits
        let tls = try serverTLS(configuration)
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
        // Documents with their attachments stream to disk as they arrive, from a sender or from the sender's node;
        // every other body is small and buffered.
        let maxMessageBytes = configuration.node.messages?.maxMessageBytes ?? limits.maxBodyBytes
        server.streamedBodyRoutes = [
            StreamedBodyRoute(method: .post, path: Route.messages.rawValue, maxBodyBytes: maxMessageBytes),
            StreamedBodyRoute(method: .post, path: Route.federationMessages.rawValue, maxBodyBytes: maxMessageBytes),
        ]
        return server
    }
}
