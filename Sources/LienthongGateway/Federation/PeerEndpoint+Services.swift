import Foundation
import LienthongCore
import LienthongFederation
import LienthongHTTP
import LienthongJSON
import LienthongTrust

extension PeerEndpoint {
    /// The `type` of the answer to `POST /v1/federation/services`.
    static let servicesType = "services"

    /// The provider node's side of a federation's `GET /v1/services`, `POST /v1/federation/services`: the calling
    /// node (checked as for a forwarded lookup) sends a request message of operation `services` (`type`
    /// `request`, `id`, `issuedAt`, `consumer`) signed for its consumer; this node answers the services its own
    /// grants give that consumer (the entries of its `GET /v1/services`), signed by its provider identity as origin.
    func services(_ request: HTTPRequest) async -> HTTPResponse {
        let now = lookups.now()
        if let problem = peers.state.admitCrossNodeExchange(at: now) { return .problem(problem, requestID: nil) }
        let envelope: JSONValue
        do throws(TrustError) {
            envelope = try EnvelopeParser.parse(request.body, maxEnvelopeBytes: SignedRequest.maxEnvelopeBytes)
        } catch {
            return .problem(error.problem, requestID: nil)
        }
        let message = envelope["message"]
        func text(_ member: String) -> String? { message?[member]?.stringValue }
        guard text("type") == "request", text("operation") == Self.servicesType,
            let id = text("id").flatMap(UUID.init(uuidString:)), text("id") == id.uuidString.lowercased(),
            let issuedAt = text("issuedAt").flatMap(Timestamp.parse), let caller = text("consumer"),
            let consumerID = ExchangeID(caller)
        else { return .problem(GatewayProblems.invalidSignedRequest(at: "/message"), requestID: nil) }
        let requestID = id.uuidString.lowercased()
        guard let configuration = peers.state.snapshot.configuration else {
            return .problem(GatewayProblems.invalidSignedRequest(at: "/message"), requestID: requestID)
        }
        let trust: CertificateVerifier
        do throws(TrustError) {
            trust = try peers.trust(configuration)
        } catch {
            let problem = FederationProblems.untrustedNode("the global configuration's anchors")
            return .problem(problem, requestID: requestID)
        }
        if let problem = await Self.admitNode(
            request.clientCertificateChain, member: consumerID.member.description, configuration: configuration,
            trust: trust, revocation: revocation, at: now)
        {
            return .problem(problem, requestID: requestID)
        }
        // The signature, its origin naming the consumer, the replay window: as for a forwarded lookup's request.
        let signed = SignedRequest(
            envelope: envelope, requestID: requestID, replayID: requestID, issuedAt: issuedAt, consumer: caller,
            purpose: "", fields: nil, requestHash: "")
        let verifier = SignedRequestVerifier(trust: trust, replay: lookups.signedRequests.replay, now: lookups.now)
        if let problem = await verifier.admit(signed, consumer: Consumer(id: consumerID, name: caller)) {
            return .problem(problem, requestID: requestID)
        }
        // Signed by the provider of one of this node's registries (its own answer, as for a record).
        let providers = lookups.registries.values.map(\.descriptor.provider).sorted { $0.description < $1.description }
        guard let provider = providers.first(where: { lookups.signing.signers[$0] != nil }),
            let identity = lookups.signing.signers[provider]
        else { return .problem(GatewayProblems.internalError, requestID: requestID) }
        let answer: JSONValue = [
            "type": .string(Self.servicesType), "id": .string(RandomUUID.lowercased()),
            "requestId": .string(requestID), "issuedAt": .string(Timestamp.rfc3339(lookups.now())),
            "provider": .string(provider.description), "consumer": .string(caller),
            // Only the services this node holds: its grants decide for them alone.
            "services": .array(granted.entries(for: consumerID).filter { $0["registry"] != nil }),
        ]
        do throws(TrustError) {
            let body = try EnvelopeSigner.sign(message: answer, identity: identity, issuedAt: lookups.now())
            return .json(body, requestID: requestID)
        } catch {
            return .problem(GatewayProblems.internalError, requestID: requestID)
        }
    }
}
