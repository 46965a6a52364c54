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

    /// Where a lookup of a registry goes: the service of the global configuration that reads it, and the node that
    /// serves the service's member (`nil` when none does).
    struct Destination: Sendable {
        var configuration: GlobalConfiguration
        var service: GlobalConfiguration.Service
        var serviceID: ExchangeID
        var node: GlobalConfiguration.Node?
        /// The provider subsystem, for the audit record.
        var provider: String { serviceID.subsystem?.description ?? service.id }
    }

    /// A provider node's answer, verified against the global configuration: the envelope as received, its
    /// verification (the canonical bytes its signatures cover) and the digest of its message.
    struct Answer: Sendable {
        var envelope: JSONValue
        var verified: VerifiedEnvelope
        var messageSHA256: String
        var message: JSONValue { verified.message }
    }

    let peers: FederationPeers
    /// The identity this node signs with for each of its consumers (X-Road's model: a member's node holds the
    /// member's signing key).
    let identities: [ExchangeID: JWSSigningIdentity]
    let now: @Sendable () -> Date

    /// Whether a service of the global configuration reads `registry`, so that a lookup of it goes to another node.
    func serves(_ registry: String) -> Bool {
        destination(of: registry) != nil
    }

    /// Where a lookup of `registry` goes, or `nil` when no service of the global configuration held reads it.
    func destination(of registry: String) -> Destination? {
        guard let configuration = peers.state.snapshot.configuration,
            let service = Self.recordService(of: registry, in: configuration),
            let serviceID = ExchangeID(service.id)
        else { return nil }
        let member = serviceID.member.description
        return Destination(
            configuration: configuration, service: service, serviceID: serviceID,
            node: configuration.nodes.first { $0.members.contains { $0.hasSameCodePoints(as: member) } })
    }

    /// The lookup of `request`'s registry on the node that serves it, or `nil` when no service of the global
    /// configuration reads that registry (the caller answers `unknown-registry`).
    func forward(
        _ request: LookupRequest, consumer: Consumer, exchange: inout AuditedExchange
    ) async -> Result<Forwarded, Problem>? {
        guard let destination = destination(of: request.registry) else { return nil }
        exchange.concerns(service: destination.service.id, provider: destination.provider)
        exchange.subject(request.key)
        RequestTrace.current?.asked(request.registry)
        if let problem = peers.state.admitCrossNodeExchange(at: now()) { return .failure(problem) }
        guard let purpose = request.purpose, !purpose.isEmpty else { return .failure(GatewayProblems.purposeRequired) }
        let node: GlobalConfiguration.Node
        let identity: JWSSigningIdentity
        switch Self.route(destination, registry: request.registry, identity: identities[consumer.id], for: consumer) {
        case .failure(let problem): return .failure(problem)
        case .success(let route): (node, identity) = route
        }
        let envelope: JSONValue
        let requestHash: String
        do throws(TrustError) {
            if let signed = request.signed {
                envelope = try EnvelopeSigner.countersign(signed.envelope, identity: identity, issuedAt: now())
                requestHash = signed.requestHash
            } else {
                (envelope, requestHash) = try signedRequest(
                    request, operation: .record, registry: request.registry, consumer: consumer,
                    service: destination.service.id, purpose: purpose, identity: identity)
            }
        } catch {
            return .failure(error.problem)
        }
        exchange.sent(requestHash: requestHash)
        let path = Self.peerPath + request.registry + "/" + Self.pathSegment(request.key)
        let answer: Answer
        switch await call(
            envelope, path: path, node: node, registry: request.registry, request: request, consumer: consumer,
            requestHash: requestHash, configuration: destination.configuration)
        {
        case .failure(let problem): return .failure(problem)
        case .success(let verified): answer = verified
        }
        do throws(TrustError) {
            let countersigned = try EnvelopeSigner.countersign(answer.verified, identity: identity, issuedAt: now())
            let fields = answer.message["record"]?.objectValue.map { $0.keys.sorted() } ?? []
            return .success(
                Forwarded(body: countersigned.body, messageSHA256: countersigned.messageSHA256, fields: fields))
        } catch {
            return .failure(FederationProblems.badResponse(request.registry, "\(error.code.wireCode): \(error.detail)"))
        }
    }

    /// The node to send a lookup of `registry` to and the consumer's identity to sign it with, or why there is none.
    static func route(
        _ destination: Destination, registry: String, identity: JWSSigningIdentity?, for consumer: Consumer
    ) -> Result<(GlobalConfiguration.Node, JWSSigningIdentity), Problem> {
        guard let node = destination.node else {
            return .failure(
                ConnectorError(
                    code: .unavailable, registry: registry,
                    detail: "no node serves \(destination.serviceID.member.description)"
                ).problem)
        }
        guard let identity else { return .failure(FederationProblems.noSigningKey(consumer.id.description)) }
        return .success((node, identity))
    }

    /// `key` as one path segment: ASCII letters and digits as they are, every other byte percent-encoded
    /// (`.alphanumerics` would leave other scripts' letters raw in the URL).
    static func pathSegment(_ key: String) -> String {
        key.addingPercentEncoding(withAllowedCharacters: unreservedKeyCharacters) ?? key
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

    /// A new request envelope this node signs for the caller, asking `operation` of `registry` for `request.key`;
    /// with its `requestHash`.
    func signedRequest(
        _ request: LookupRequest, operation: SignedRequest.Operation, registry: String, consumer: Consumer,
        service: String, purpose: String, identity: JWSSigningIdentity
    ) throws(TrustError) -> (JSONValue, String) {
        let issuedAt = now()
        var message: JSONObject = [
            "type": "request", "id": .string(request.requestID), "issuedAt": .string(Timestamp.rfc3339(issuedAt)),
            "consumer": .string(consumer.id.description), "service": .string(service),
            "operation": .string(operation.rawValue), "purpose": .string(purpose), "registry": .string(registry),
            "key": .string(request.key),
        ]
        if operation == .record, let fields = request.fields {
            message["fields"] = .array(fields.split(separator: ",").map { .string(String($0)) })
        }
        let envelope = try EnvelopeSigner.sign(message: .object(message), identity: identity, issuedAt: issuedAt)
        return (envelope, try RequestHash.signedRequest(.object(message)))
    }

    /// Sends `envelope` to `path` on `node` and checks the answer: every signature verifies against the global
    /// configuration's anchors, the origin is a member the called node serves, and the message answers this request
    /// (request id, request hash, consumer). A refusal comes back as the provider node's problem.
    func call(
        _ envelope: JSONValue, path: String, node: GlobalConfiguration.Node, registry: String, request: LookupRequest,
        consumer: Consumer, requestHash: String, configuration: GlobalConfiguration
    ) async -> Result<Answer, Problem> {
        let response: HTTPClientResponse
        do throws(ConnectorError) {
            response = try await peers.send(
                HTTPClientRequest(
                    url: node.address + path, method: .post,
                    headers: [
                        "Content-Type": "application/lienthong-envelope+json",
                        "Lienthong-Request-Id": request.requestID,
                    ],
                    body: envelope.serializedBytes(), connectTimeout: peers.timeout, totalTimeout: peers.timeout,
                    maxResponseBytes: Self.maxResponseBytes),
                to: node, in: configuration, registry: registry)
        } catch {
            RequestTrace.current?.failed(
                RequestTrace.Failure(
                    part: .connector, registry: registry, code: error.code.wireCode,
                    cause: error.cause ?? error.detail))
            return .failure(Self.problem(error, node: node.id))
        }
        guard response.status == 200 else { return .failure(Self.relayed(response, registry: registry)) }
        do throws(TrustError) {
            // Parsed once and canonicalised once: a countersignature covers the bytes the verification checked.
            let envelope = try EnvelopeParser.parse(response.body, maxEnvelopeBytes: Self.maxResponseBytes)
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
            return .success(
                Answer(
                    envelope: envelope, verified: verified,
                    messageSHA256: Base64URL.encode(Digest.sha256(verified.payload))))
        } catch {
            return .failure(FederationProblems.badResponse(registry, "\(error.code.wireCode): \(error.detail)"))
        }
    }

    /// The problem of a failed send to `node`: the connector's, or `federation.unlisted-node-certificate` when the
    /// node presented a certificate the global configuration does not list for it.
    static func problem(_ error: ConnectorError, node: String) -> Problem {
        guard error.cause == FederationPeers.unlistedCertificate else { return error.problem }
        return FederationProblems.unlistedNodeCertificate(node: node, registry: error.registry)
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
