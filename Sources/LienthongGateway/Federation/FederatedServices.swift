import Foundation
import LienthongConnectors
import LienthongCore
import LienthongFederation
import LienthongHTTP
import LienthongJSON
import LienthongTrust

/// The consumer node's side of `GET /v1/services` in a federation: the services of the other members' nodes that
/// the caller may use. Each provider node decides from its own grants, so each is asked
/// (`POST /v1/federation/services`, a request signed on the caller's behalf, over the peers' mutual TLS and
/// breakers), all at once, within the forwarding timeout; its signed answer is verified against the global
/// configuration and kept a short while (``ServiceListCache``).
///
/// A node that does not answer (down, slow, breaker open, certificate not listed, answer that does not verify) does
/// not fail the list: its services come out with `"available": false` and the stable `problem` code of the failure,
/// as the node last answered for this caller under this configuration version, or else every service the
/// configuration lists for the node's members (with no fields or purposes: what it grants is unknown).
struct FederatedServices: Sendable {
    /// The provider node's route.
    static let peerPath = "/v1/federation/services"
    /// The largest answer taken from a provider node.
    static let maxResponseBytes = 4 * 1024 * 1024
    /// `registry` of the errors of a listing, which reads no one registry.
    private static let errorContext = "services"

    let peers: FederationPeers
    /// The identity this node signs with for each of its consumers (the forwarded lookups' identities).
    let identities: [ExchangeID: JWSSigningIdentity]
    /// The registries this node holds: their services are in its own grants.
    let localRegistries: Set<String>
    let now: @Sendable () -> Date

    /// The other nodes' entries for `consumer`, node by node (in node id order); none while the node holds no usable
    /// global configuration, nor for a consumer this node holds no signing key for (it can use no other node's
    /// service through this one: a forwarded lookup needs that key too).
    func entries(for consumer: Consumer) async -> [JSONValue] {
        guard let configuration = peers.state.snapshot.configuration,
            peers.state.admitCrossNodeExchange(at: now()) == nil, let identity = identities[consumer.id]
        else { return [] }
        let nodes = Self.providerNodes(in: configuration, excluding: localRegistries)
        return await withTaskGroup(of: (Int, [JSONValue]).self) { group in
            for (index, node) in nodes.enumerated() {
                group.addTask {
                    (index, await entries(of: node, for: consumer, identity: identity, in: configuration))
                }
            }
            var answers = [[JSONValue]](repeating: [], count: nodes.count)
            for await (index, entries) in group { answers[index] = entries }
            return answers.flatMap { $0 }
        }
    }

    /// The nodes serving a member that offers a service of a registry this node does not hold.
    static func providerNodes(
        in configuration: GlobalConfiguration, excluding local: Set<String>
    ) -> [GlobalConfiguration.Node] {
        let members = Set(
            configuration.servicesByID.values.filter { !local.contains($0.registry) }
                .compactMap { ExchangeID($0.id)?.member.description })
        return configuration.nodes.filter { node in node.members.contains { members.contains($0) } }
            .sorted { $0.id < $1.id }
    }

    /// `node`'s entries for `consumer`: kept, asked, or marked unavailable.
    private func entries(
        of node: GlobalConfiguration.Node, for consumer: Consumer, identity: JWSSigningIdentity,
        in configuration: GlobalConfiguration
    ) async -> [JSONValue] {
        let cache = peers.serviceLists
        let caller = consumer.id.description
        if let kept = cache.fresh(node: node.id, consumer: caller, version: configuration.version, at: .now) {
            return kept
        }
        switch await ask(node, for: consumer, identity: identity, in: configuration) {
        case .success(let services):
            cache.keep(services, node: node.id, consumer: caller, version: configuration.version, at: .now)
            return services
        case .failure(let problem):
            let known =
                cache.last(node: node.id, consumer: caller, version: configuration.version)
                ?? Self.listed(for: node, in: configuration)
            return known.map { Self.unavailable($0, problem: problem.code) }
        }
    }

    /// Asks `node` which of its services `consumer` may use, and checks the signed answer.
    private func ask(
        _ node: GlobalConfiguration.Node, for consumer: Consumer, identity: JWSSigningIdentity,
        in configuration: GlobalConfiguration
    ) async -> Result<[JSONValue], Problem> {
        let requestID = RandomUUID.lowercased()
        let issuedAt = now()
        let message: JSONValue = [
            "type": "request", "operation": "services", "id": .string(requestID),
            "issuedAt": .string(Timestamp.rfc3339(issuedAt)), "consumer": .string(consumer.id.description),
        ]
        let envelope: JSONValue
        do throws(TrustError) {
            envelope = try EnvelopeSigner.sign(message: message, identity: identity, issuedAt: issuedAt)
        } catch {
            return .failure(error.problem)
        }
        let response: HTTPClientResponse
        do throws(ConnectorError) {
            response = try await peers.send(
                HTTPClientRequest(
                    url: node.address + Self.peerPath, method: .post,
                    headers: ["Content-Type": "application/lienthong-envelope+json"],
                    body: envelope.serializedBytes(), connectTimeout: peers.timeout, totalTimeout: peers.timeout,
                    maxResponseBytes: Self.maxResponseBytes),
                to: node, in: configuration, registry: Self.errorContext)
        } catch {
            return .failure(PeerForwarding.problem(error, node: node.id))
        }
        guard response.status == 200 else {
            return .failure(PeerForwarding.relayed(response, registry: Self.errorContext))
        }
        return verified(response.body, node: node, in: configuration, requestID: requestID, consumer: consumer)
    }

    /// The services of a provider node's answer, once its signatures verify against the configuration, its origin
    /// is a member the node serves and it answers this request; a service of a member the node does not serve is
    /// left out.
    private func verified(
        _ body: [UInt8], node: GlobalConfiguration.Node, in configuration: GlobalConfiguration, requestID: String,
        consumer: Consumer
    ) -> Result<[JSONValue], Problem> {
        func bad(_ detail: String) -> Result<[JSONValue], Problem> {
            .failure(FederationProblems.badResponse(Self.errorContext, detail))
        }
        let verified: VerifiedEnvelope
        do throws(TrustError) {
            verified = try EnvelopeVerifier.verify(bytes: body, trust: try peers.trust(configuration), at: now())
        } catch {
            return bad("\(error.code.wireCode): \(error.detail)")
        }
        guard let origin = ExchangeID(verified.member), node.serves(origin.member.description) else {
            return bad("the origin is not a member node \(node.id) serves")
        }
        let message = verified.message
        guard message["type"]?.stringValue == PeerEndpoint.servicesType,
            message["requestId"]?.stringValue?.hasSameCodePoints(as: requestID) == true,
            message["consumer"]?.stringValue?.hasSameCodePoints(as: consumer.id.description) == true,
            let services = message["services"]?.arrayValue
        else { return bad("the answer is not the services of this request") }
        let offered = configuration.servicesByID
        return .success(
            services.compactMap { entry in
                guard var object = entry.objectValue, let id = object["service"]?.stringValue, offered[id] != nil,
                    let service = ExchangeID(id), node.serves(service.member.description)
                else { return nil }
                // Documents are not forwarded between nodes: only the lookup path works through this node.
                object["document"] = nil
                return .object(Self.located(object, service: service, node: node, available: true))
            })
    }

    /// The entries of every service the configuration lists for `node`'s members: what a node that never
    /// answered this caller may offer.
    static func listed(for node: GlobalConfiguration.Node, in configuration: GlobalConfiguration) -> [JSONValue] {
        configuration.servicesByID.values.sorted { $0.id < $1.id }.compactMap { service in
            guard let id = ExchangeID(service.id), node.serves(id.member.description) else { return nil }
            var entry: JSONObject = [
                "service": .string(service.id), "registry": .string(service.registry), "fields": [], "purposes": [],
            ]
            if let schema = service.schema { entry["schema"] = .string(schema) }
            return .object(located(entry, service: id, node: node, available: true))
        }
    }

    /// `entry` with the provider's member, subsystem and node, and whether it answered.
    static func located(
        _ entry: JSONObject, service: ExchangeID, node: GlobalConfiguration.Node, available: Bool
    ) -> JSONObject {
        var entry = entry
        entry["member"] = .string(service.member.description)
        if let subsystem = service.subsystem { entry["subsystem"] = .string(subsystem.description) }
        entry["node"] = .string(node.id)
        entry["available"] = .bool(available)
        return entry
    }

    /// `entry` marked unavailable with the stable code of why.
    static func unavailable(_ entry: JSONValue, problem: String) -> JSONValue {
        guard var object = entry.objectValue else { return entry }
        object["available"] = .bool(false)
        object["problem"] = .string(problem)
        return .object(object)
    }
}

extension GlobalConfiguration.Node {
    /// Whether the node serves `member` (compared by code points).
    func serves(_ member: String) -> Bool { members.contains { $0.hasSameCodePoints(as: member) } }
}
