import Foundation
import LienthongAudit
import LienthongConnectors
import LienthongCore
import LienthongFederation
import LienthongHTTP
import LienthongJSON
import LienthongTrust

/// The consumer node's side of a cross-node lookup: finds the node that serves the registry's provider in the
/// global configuration, sends it a `request.v1` envelope signed on the caller's behalf (or the caller's own,
/// countersigned), verifies the answer against the configuration, and countersigns it.
///
/// ``LookupPipeline`` calls ``forward(_:consumer:exchange:)`` when the registry is not local; the caller uses the same
/// API whichever node holds the registry.
struct PeerForwarding: Sendable {
    /// The path prefix of the provider node's peer route (``Route/federationRecords``).
    static let peerPath = "/v1/federation/records/"
    /// The characters of a key sent as they are in the peer route's path; every other byte is percent-encoded.
    static let unreservedKeyCharacters = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    /// The largest answer taken from a provider node.
    static let maxResponseBytes = 4 * 1024 * 1024

    /// What a forwarded lookup brings back: the countersigned envelope and what the audit record needs.
    struct Forwarded: Sendable {
        var body: [UInt8]
        var messageSHA256: String
        var fields: [String]
    }

    let peers: FederationPeers
    /// The identity this node signs with for each of its consumers (X-Road's model: a member's node holds the
    /// member's signing key).
    let identities: [ExchangeID: JWSSigningIdentity]
    let now: @Sendable () -> Date

    /// Whether a service of the global configuration reads `registry`, so that a lookup of it goes to another node.
    func serves(_ registry: String) -> Bool {
        guard let configuration = peers.state.snapshot.configuration else { return false }
        return Self.recordService(of: registry, in: configuration) != nil
    }

    /// The lookup of `request`'s registry on the node that serves it, or `nil` when no service of the global
    /// configuration reads that registry (the caller answers `unknown-registry`).
    func forward(
        _ request: LookupRequest, consumer: Consumer, exchange: inout AuditedExchange
    ) async -> Result<Forwarded, Problem>? {
        guard let configuration = peers.state.snapshot.configuration,
            let service = Self.recordService(of: request.registry, in: configuration),
            let serviceID = ExchangeID(service.id)
        else { return nil }
        exchange.concerns(service: service.id, provider: serviceID.subsystem?.description ?? service.id)
        exchange.subject(request.key)
        RequestTrace.current?.asked(request.registry)
        if let problem = peers.state.admitCrossNodeExchange(at: now()) { return .failure(problem) }
        guard let purpose = request.purpose, !purpose.isEmpty else { return .failure(GatewayProblems.purposeRequired) }
        let member = serviceID.member.description
        guard let node = configuration.nodes.first(where: { $0.members.contains { $0.hasSameCodePoints(as: member) } })
        else {
            return .failure(
                ConnectorError(code: .unavailable, registry: request.registry, detail: "no node serves \(member)")
                    .problem)
        }
        guard let identity = identities[consumer.id] else {
            return .failure(FederationProblems.noSigningKey(consumer.id.description))
        }
        let envelope: JSONValue
        let requestHash: String
        do throws(TrustError) {
            (envelope, requestHash) = try signedRequest(
                request, consumer: consumer, service: service.id, purpose: purpose, identity: identity)
        } catch {
            return .failure(error.problem)
        }
        exchange.sent(requestHash: requestHash)
        // ASCII letters and digits only: `.alphanumerics` would leave other scripts' letters raw in the URL.
        let key = request.key.addingPercentEncoding(withAllowedCharacters: Self.unreservedKeyCharacters) ?? request.key
        let response: HTTPClientResponse
        do throws(ConnectorError) {
            response = try await peers.send(
                HTTPClientRequest(
                    url: node.address + Self.peerPath + request.registry + "/" + key, method: .post,
                    headers: [
                        "Content-Type": "application/lienthong-envelope+json",
                        "Lienthong-Request-Id": request.requestID,
                    ],
                    body: envelope.serializedBytes(), connectTimeout: peers.timeout, totalTimeout: peers.timeout,
                    maxResponseBytes: Self.maxResponseBytes),
                to: node.id, registry: request.registry)
        } catch {
            RequestTrace.current?.failed(
                RequestTrace.Failure(
                    part: .connector, registry: request.registry, code: error.code.wireCode,
                    cause: error.cause ?? error.detail))
            return .failure(error.problem)
        }
        guard response.status == 200 else { return .failure(Self.relayed(response, registry: request.registry)) }
        return countersigned(
            response.body, configuration: configuration, node: node, request: request, consumer: consumer,
            requestHash: requestHash, identity: identity)
    }

    /// The service that looks up records of `registry`: a registry that also offers its documents lists them as a
    /// second service (schema `document.v1`, a registry's `documentService`), which a record lookup must not name.
    static func recordService(
        of registry: String, in configuration: GlobalConfiguration
    ) -> GlobalConfiguration.Service? {
        let services = configuration.servicesByID.values.filter { $0.registry.hasSameCodePoints(as: registry) }
            .sorted { $0.id < $1.id }
        return services.first { $0.schema?.hasSameCodePoints(as: "document.v1") != true } ?? services.first
    }

    /// The request envelope sent on: the caller's own signed request with this node's countersignature, or a new
    /// one this node signs for the caller; with its `requestHash`.
    private func signedRequest(
        _ request: LookupRequest, consumer: Consumer, service: String, purpose: String, identity: JWSSigningIdentity
    ) throws(TrustError) -> (JSONValue, String) {
        if let signed = request.signed {
            return (try EnvelopeSigner.countersign(signed.envelope, identity: identity, issuedAt: now()),
                signed.requestHash)
        }
        let issuedAt = now()
        var message: JSONObject = [
            "type": "request", "id": .string(request.requestID), "issuedAt": .string(Timestamp.rfc3339(issuedAt)),
            "consumer": .string(consumer.id.description), "service": .string(service), "operation": "record",
            "purpose": .string(purpose), "registry": .string(request.registry), "key": .string(request.key),
        ]
        if let fields = request.fields {
            message["fields"] = .array(fields.split(separator: ",").map { .string(String($0)) })
        }
        let envelope = try EnvelopeSigner.sign(message: .object(message), identity: identity, issuedAt: issuedAt)
        return (envelope, try RequestHash.signedRequest(.object(message)))
    }

    /// The provider node's answer checked and countersigned: every signature verifies against the global
    /// configuration's anchors, the origin is a member the called node serves, and the message answers this
    /// request (request id, request hash, consumer).
    private func countersigned(
        _ body: [UInt8], configuration: GlobalConfiguration, node: GlobalConfiguration.Node, request: LookupRequest,
        consumer: Consumer, requestHash: String, identity: JWSSigningIdentity
    ) -> Result<Forwarded, Problem> {
        let registry = request.registry
        do throws(TrustError) {
            // Parsed once and canonicalised once: the countersignature covers the bytes the verification checked.
            let envelope = try EnvelopeParser.parse(body, maxEnvelopeBytes: Self.maxResponseBytes)
            let verified = try EnvelopeVerifier.verify(envelope, trust: try peers.trust(configuration), at: now())
            let message = verified.message
            guard let origin = ExchangeID(verified.member),
                node.members.contains(where: { $0.hasSameCodePoints(as: origin.member.description) })
            else {
                return .failure(
                    FederationProblems.badResponse(registry, "the origin is not a member node \(node.id) serves"))
            }
            let agreements: [(String, String)] = [
                ("requestId", request.requestID), ("requestHash", requestHash),
                ("consumer", consumer.id.description),
            ]
            for (member, expected) in agreements
            where message[member]?.stringValue?.hasSameCodePoints(as: expected) != true {
                return .failure(FederationProblems.badResponse(registry, "the answer's \(member) is not the request's"))
            }
            let countersigned = try EnvelopeSigner.countersign(verified, identity: identity, issuedAt: now())
            let fields = message["record"]?.objectValue.map { $0.keys.sorted() } ?? []
            return .success(
                Forwarded(body: countersigned.body, messageSHA256: countersigned.messageSHA256, fields: fields))
        } catch {
            return .failure(FederationProblems.badResponse(registry, "\(error.code.wireCode): \(error.detail)"))
        }
    }

    /// The provider node's refusal as the caller's problem: its own status and code (the provider decides), or
    /// `upstream-unavailable` for an answer that is not a problem document.
    static func relayed(_ response: HTTPClientResponse, registry: String) -> Problem {
        guard let document = try? JSONValue.parse(response.body), let code = document["code"]?.stringValue,
            (400...599).contains(response.status)
        else {
            return ConnectorError(
                code: .unavailable, registry: registry, detail: "the provider node answered \(response.status)"
            ).problem
        }
        var extensions: [String: JSONValue] = [:]
        if let retryAfter = document["retryAfter"] { extensions["retryAfter"] = retryAfter }
        if let registry = document["registry"] { extensions["registry"] = registry }
        return Problem(
            status: response.status, code: code,
            title: document["title"]?.stringValue ?? "Refused by the provider node",
            detail: document["detail"]?.stringValue ?? "", extensions: extensions)
    }
}

extension PeerForwarding {
    /// The forwarding of a node with `peers`: the identity of each consumer of `configuration` that has a key here,
    /// from `node.json` `signing` (by consumer id), else from the key store, else the development PKI's client
    /// certificate.
    static func make(
        _ configuration: GatewayConfiguration, peers: FederationPeers, keys: NodeSigningKeys,
        developmentPKI: DevelopmentPKI.Files?
    ) throws -> PeerForwarding {
        var identities: [ExchangeID: JWSSigningIdentity] = [:]
        for consumer in configuration.policy.consumers where !consumer.revoked {
            let id = consumer.id.description
            if let configured = configuration.node.signing?[id] {
                identities[consumer.id] = try JWSSigningIdentity(
                    key: try SigningKey.load(from: configuration.dataPath(configured.privateKey)),
                    chain: try Certificate.loadChain(from: configuration.dataPath(configured.certificate)))
            } else if let stored = keys.ring[id] {
                identities[consumer.id] = try stored.identity()
            } else if let issued = developmentPKI?.clients[id] {
                identities[consumer.id] = try JWSSigningIdentity(
                    key: try SigningKey.load(from: issued.key),
                    chain: try Certificate.loadChain(from: issued.certificate))
            }
        }
        return PeerForwarding(peers: peers, identities: identities, now: { Date() })
    }
}
