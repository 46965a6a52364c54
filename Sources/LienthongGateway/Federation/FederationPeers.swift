import Foundation
import LienthongConnectors
import LienthongCore
import LienthongFederation
import LienthongHTTP
import LienthongTrust
import Synchronization

/// What a node in a federation keeps for its exchanges with other nodes as long as it runs: the global
/// configuration held, one HTTP client for every peer (mutual TLS, connections kept alive and reused), a circuit
/// breaker per peer node, and the verifier of the configuration's trust anchors, rebuilt once per version.
///
/// Every request to a peer pins the peer's certificate to the fingerprints the configuration lists for its node,
/// checked on each request before it is sent. The client is replaced with each configuration version, so the
/// connections opened under a version whose list named an old certificate are not reused once it is gone (requests
/// in flight finish on them); a rotated certificate is taken on the first connection of the next version.
final class FederationPeers: Sendable {
    /// The global configuration held.
    let state: FederationState
    /// The TLS of every peer client: presents ``FederationConfiguration/peerCertificate``.
    private let tls: TLSClientConfiguration
    /// The client of the configuration version it was made for.
    private let clients = Mutex<(version: Int, client: HTTPClient)?>(nil)
    /// How long a forwarded lookup may take.
    let timeout: Duration
    /// The provider nodes' service lists, per caller.
    let serviceLists: ServiceListCache
    private let failureThreshold: Int
    private let coolDown: Duration
    private let breakers = Mutex<[String: CircuitBreaker<ContinuousClock.Instant>]>([:])
    /// The verifier of the configuration version it was built for.
    private let trustCache = Mutex<(version: Int, verifier: CertificateVerifier)?>(nil)

    /// The peers of a node with `settings`, paths resolved by `dataPath`.
    init(state: FederationState, settings: FederationConfiguration, dataPath: (String) -> URL) {
        self.state = state
        tls = TLSClientConfiguration(
            caFilePath: (settings.peerCAFile ?? settings.authorityCAFile).map { dataPath($0).path },
            certificatePath: settings.peerCertificate.map { dataPath($0).path },
            privateKeyPath: settings.peerPrivateKey.map { dataPath($0).path })
        timeout = settings.peerTimeout
        failureThreshold = settings.peerFailureThreshold ?? FederationConfiguration.defaultPeerFailureThreshold
        coolDown = settings.peerCoolDown
        serviceLists = ServiceListCache(lifetime: settings.servicesCacheLifetime)
    }

    /// The verifier of `configuration`'s trust anchors and CRLs: what every signature and node certificate of a
    /// cross-node exchange must chain to.
    func trust(_ configuration: GlobalConfiguration) throws(TrustError) -> CertificateVerifier {
        if let cached = trustCache.withLock({ $0 }), cached.version == configuration.version { return cached.verifier }
        var anchors: [Certificate] = []
        for pem in configuration.trustAnchors { anchors += try Certificate.chain(pem: pem) }
        var lists: [CertificateRevocationList] = []
        for text in configuration.crls {
            if text.hasPrefix("-----BEGIN") {
                lists.append(try CertificateRevocationList(pem: text))
            } else {
                let der = Data(base64Encoded: text, options: .ignoreUnknownCharacters).map { [UInt8]($0) } ?? []
                lists.append(try CertificateRevocationList(derBytes: der))
            }
        }
        let verifier = CertificateVerifier(trustStore: try TrustStore(anchors: anchors, revocationLists: lists))
        trustCache.withLock { $0 = (configuration.version, verifier) }
        return verifier
    }

    /// The client for `configuration`'s version: a new one when the version moved on (the old one stops once the
    /// requests in flight on it, which hold it, are done). A request that read an older version just before uses
    /// the newer client: its pins are still checked on each request.
    private func client(for configuration: GlobalConfiguration) -> HTTPClient {
        clients.withLock { held in
            if let held, held.version >= configuration.version { return held.client }
            let client = HTTPClient(tls: tls)
            held = (configuration.version, client)
            return client
        }
    }

    /// Stops the client of the version held; the node calls it once it stopped serving.
    func shutdown() {
        clients.withLock { $0?.client.shutdown() }
    }

    /// Sends `request` to `node` of `configuration` through the node's breaker, with the node's certificate pinned to
    /// the fingerprints the configuration lists for it.
    /// - Returns: the node's answer, whatever its status (the node answered).
    /// - Throws: ``ConnectorError`` `upstream-circuit-open` while the node's breaker is open, `upstream-timeout`
    ///   past ``timeout``, `upstream-unavailable` when the node cannot be reached or presents a certificate the
    ///   configuration does not list for it (cause ``unlistedCertificate``, nothing sent); but for the open breaker,
    ///   each counts against the breaker.
    func send(
        _ request: HTTPClientRequest, to node: GlobalConfiguration.Node, in configuration: GlobalConfiguration,
        registry: String
    ) async throws(ConnectorError) -> HTTPClientResponse {
        var request = request
        request.pinnedCertificates = Set(node.tlsFingerprints.compactMap { Hex.decode($0) })
        let client = client(for: configuration)
        let node = node.id
        let decision = breakers.withLock { breakers in
            var breaker = breakers[node] ?? CircuitBreaker(failureThreshold: failureThreshold, coolDown: coolDown)
            defer { breakers[node] = breaker }
            return breaker.request(at: .now)
        }
        if case .reject(let until) = decision {
            throw ConnectorError(
                code: .circuitOpen, registry: registry, detail: "node \(node) failed repeatedly",
                retryAfter: until.map { ContinuousClock.now.duration(to: $0) } ?? coolDown)
        }
        do {
            let response = try await client.send(request)
            record(.success, node: node)
            return response
        } catch {
            switch error.code {
            case .cancelled:
                record(.abandoned, node: node)
                throw ConnectorError(
                    code: .unavailable, registry: registry, detail: "cancelled", cause: error.code.wireCode)
            case .certificateNotPinned:
                record(.failure, node: node)
                throw ConnectorError(
                    code: .unavailable, registry: registry, detail: "node \(node): \(error.detail)",
                    cause: Self.unlistedCertificate)
            case .timeout:
                record(.failure, node: node)
                throw ConnectorError(
                    code: .timeout, registry: registry, detail: "node \(node) did not answer in time",
                    cause: error.code.wireCode)
            default:
                record(.failure, node: node)
                throw ConnectorError(
                    code: .unavailable, registry: registry, detail: "node \(node) cannot be reached",
                    cause: error.code.wireCode)
            }
        }
    }

    /// The cause of a refusal for a peer certificate outside the configuration's list for its node.
    static let unlistedCertificate = HTTPClientError.Code.certificateNotPinned.wireCode

    private func record(_ outcome: CircuitBreaker<ContinuousClock.Instant>.Outcome, node: String) {
        breakers.withLock { breakers in
            var breaker = breakers[node] ?? CircuitBreaker(failureThreshold: failureThreshold, coolDown: coolDown)
            _ = breaker.record(outcome, at: .now)
            breakers[node] = breaker
        }
    }
}
