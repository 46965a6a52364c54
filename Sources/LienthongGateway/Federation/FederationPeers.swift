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
final class FederationPeers: Sendable {
    /// The global configuration held.
    let state: FederationState
    /// The client of every forwarded lookup: presents ``FederationConfiguration/peerCertificate``.
    let client: HTTPClient
    /// How long a forwarded lookup may take.
    let timeout: Duration
    private let failureThreshold: Int
    private let coolDown: Duration
    private let breakers = Mutex<[String: CircuitBreaker<ContinuousClock.Instant>]>([:])
    /// The verifier of the configuration version it was built for.
    private let trustCache = Mutex<(version: Int, verifier: CertificateVerifier)?>(nil)

    /// The peers of a node with `settings`, paths resolved by `dataPath`.
    init(state: FederationState, settings: FederationConfiguration, dataPath: (String) -> URL) {
        self.state = state
        client = HTTPClient(
            tls: TLSClientConfiguration(
                caFilePath: (settings.peerCAFile ?? settings.authorityCAFile).map { dataPath($0).path },
                certificatePath: settings.peerCertificate.map { dataPath($0).path },
                privateKeyPath: settings.peerPrivateKey.map { dataPath($0).path }))
        timeout = settings.peerTimeout
        failureThreshold = settings.peerFailureThreshold ?? FederationConfiguration.defaultPeerFailureThreshold
        coolDown = settings.peerCoolDown
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

    /// Sends `request` to `node` through its breaker.
    /// - Returns: the node's answer, whatever its status (the node answered).
    /// - Throws: ``ConnectorError`` `upstream-circuit-open` while the node's breaker is open, `upstream-timeout`
    ///   past ``timeout``, `upstream-unavailable` when the node cannot be reached; the last two count against the
    ///   breaker.
    func send(_ request: HTTPClientRequest, to node: String, registry: String) async throws(ConnectorError)
        -> HTTPClientResponse
    {
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

    private func record(_ outcome: CircuitBreaker<ContinuousClock.Instant>.Outcome, node: String) {
        breakers.withLock { breakers in
            var breaker = breakers[node] ?? CircuitBreaker(failureThreshold: failureThreshold, coolDown: coolDown)
            _ = breaker.record(outcome, at: .now)
            breakers[node] = breaker
        }
    }
}
