import LienthongCore
import LienthongFederation
import LienthongJSON
import LienthongTrust

extension PeerForwarding {
    /// The path of a profile part on the node that serves it (``Route/federationProfilePart``).
    static func profilePartPath(_ part: ProfilePart, personalID: String) -> String {
        "/v1/federation/persons/\(pathSegment(personalID))/profile/\(part.member)"
    }

    /// `part` of `request`'s profile from the node that serves its registry: a `request.v1` (operation
    /// `profile-part`) this node signs for the consumer with the profile's request id, and the provider node's part
    /// envelope, verified against the global configuration and kept as it came.
    func part(
        _ part: ProfilePart, of request: LookupRequest, consumer: Consumer, purpose: String
    ) async -> ProfilePartAnswer {
        guard let destination = destination(of: part.registry) else {
            return ProfilePartAnswer(result: .failure(GatewayProblems.unknownRegistry(part.registry)))
        }
        var answer = ProfilePartAnswer(
            service: destination.service.id, provider: destination.provider,
            result: .failure(GatewayProblems.internalError))
        if let problem = peers.state.admitCrossNodeExchange(at: now()) {
            answer.result = .failure(problem)
            return answer
        }
        let node: GlobalConfiguration.Node
        let identity: JWSSigningIdentity
        switch Self.route(destination, registry: part.registry, identity: identities[consumer.id], for: consumer) {
        case .failure(let problem):
            answer.result = .failure(problem)
            return answer
        case .success(let route): (node, identity) = route
        }
        let envelope: JSONValue
        let requestHash: String
        do throws(TrustError) {
            (envelope, requestHash) = try signedRequest(
                request, operation: .profilePart, registry: part.registry, consumer: consumer,
                service: destination.service.id, purpose: purpose, identity: identity)
        } catch {
            answer.result = .failure(error.problem)
            return answer
        }
        answer.requestHash = requestHash
        let called = await call(
            envelope, path: Self.profilePartPath(part, personalID: request.key), node: node, registry: part.registry,
            request: request, consumer: consumer, requestHash: requestHash, configuration: destination.configuration)
        answer.result = called.flatMap { verified in
            guard verified.message["type"]?.stringValue?.hasSameCodePoints(as: "profile-part") == true,
                let value = verified.message["record"]?[part.member]
            else {
                return .failure(FederationProblems.badResponse(part.registry, "the answer is not the part asked"))
            }
            let records = part.search == nil ? [value] : value.arrayValue ?? []
            let fields = Set(records.flatMap { $0.objectValue.map { Array($0.keys) } ?? [] }).sorted()
            return .success(
                ProfilePartAnswer.Envelope(
                    envelope: verified.envelope, messageSHA256: verified.messageSHA256, fields: fields))
        }
        return answer
    }
}
