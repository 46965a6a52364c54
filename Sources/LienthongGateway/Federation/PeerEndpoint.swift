import Foundation
import LienthongCore
import LienthongFederation
import LienthongHTTP
import LienthongSchema
import LienthongTrust

/// The provider node's side of a cross-node lookup, `POST /v1/federation/records/{registry}/{key}` (a record) or
/// `POST /v1/federation/persons/{personalId}/profile/{part}` (a part of a profile another node assembles): a
/// `request.v1` envelope from another node, which must present a client certificate under the federation's anchors
/// whose fingerprint the global configuration lists for a node serving the consumer's member. Then the node's own
/// pipeline runs for that consumer: its signature and replay window, this node's grants, the lookup, the origin
/// signature, the audit record. Every refusal is audited here too.
struct PeerEndpoint: Sendable {
    let peers: FederationPeers
    /// The node's lookup pipeline; its signed-request check is replaced by one against the federation's anchors.
    let lookups: LookupPipeline
    /// The compiled `request.v1`.
    let requestSchema: JSONSchema
    /// The service of each local registry, by registry name.
    let services: [String: String]
    /// What this node's grants give a consumer (``services(_:)``).
    let granted: GrantedServices
    /// The node's own revocation sources (`node.json` `revocation`), which a node certificate passes too.
    let revocation: ClientCertificateRevocation?

    /// The answer to a forwarded lookup of `registry`/`key`.
    func answer(_ request: HTTPRequest, registry: String, key: String) async -> HTTPResponse {
        await answer(request, RecordLookup(), operation: .record, registry: registry, key: key)
    }

    /// The answer to a forwarded part `member` (`person`, `enterprises`, …) of `personalID`'s profile.
    func answerPart(_ request: HTTPRequest, member: String, personalID: String) async -> HTTPResponse {
        guard let part = ProfilePart.named(member) else {
            return .problem(GatewayProblems.unknownRegistry(member), requestID: nil)
        }
        return await answer(
            request, ProfilePartLookup(), operation: .profilePart, registry: part.registry, key: personalID)
    }

    /// The answer to a forwarded lookup of `kind`.
    private func answer<Kind: EnvelopeLookupKind>(
        _ request: HTTPRequest, _ kind: Kind, operation: SignedRequest.Operation, registry: String, key: String
    ) async -> HTTPResponse {
        let signed: SignedRequest
        switch SignedRequest.read(
            request, operation: operation, registry: registry, key: key, schema: requestSchema,
            service: services[registry])
        {
        case .failure(let problem):
            guard case .success(let unsigned) = LookupRequest.from(request, registry: registry, key: key) else {
                return .problem(problem, requestID: nil)
            }
            return await refuse(unsigned, problem)
        case .success(let read):
            signed = read
        }
        let lookupRequest = LookupRequest(signed: signed, registry: registry, key: key, request: request)
        let now = lookups.now()
        if let problem = peers.state.admitCrossNodeExchange(at: now) { return await refuse(lookupRequest, problem) }
        // The schema's pattern makes the consumer an exchange id; a change there is caught here.
        guard let configuration = peers.state.snapshot.configuration, let consumerID = ExchangeID(signed.consumer)
        else { return await refuse(lookupRequest, GatewayProblems.invalidSignedRequest(at: "/consumer")) }
        let trust: CertificateVerifier
        do throws(TrustError) {
            trust = try peers.trust(configuration)
        } catch {
            return await refuse(lookupRequest, FederationProblems.untrustedNode("the global configuration's anchors"))
        }
        if let problem = await Self.admitNode(
            request.clientCertificateChain, member: consumerID.member.description, configuration: configuration,
            trust: trust, revocation: revocation, at: now)
        {
            return await refuse(lookupRequest, problem)
        }
        let pipeline = LookupPipeline(
            registries: lookups.registries,
            signedRequests: SignedRequestVerifier(
                trust: trust, replay: lookups.signedRequests.replay, now: lookups.now),
            admission: lookups.admission, fetch: lookups.fetch, signing: lookups.signing, audit: lookups.audit)
        let consumer = Consumer(id: consumerID, name: consumerID.description)
        switch await pipeline.run(kind, lookupRequest, consumer: .success(consumer)) {
        case .envelope(let body): return .jsonBytes(body, requestID: lookupRequest.requestID)
        case .problem(let problem): return .problem(problem, requestID: lookupRequest.requestID)
        }
    }

    /// Audits the refusal through the pipeline (as an exchange whose caller was not admitted) and answers it.
    private func refuse(_ request: LookupRequest, _ problem: Problem) async -> HTTPResponse {
        switch await lookups.run(RecordLookup(), request, consumer: .failure(problem)) {
        case .envelope(let body): return .jsonBytes(body, requestID: request.requestID)
        case .problem(let answer): return .problem(answer, requestID: request.requestID)
        }
    }

    /// ``checkNode(_:member:configuration:trust:at:)``, then the node's own revocation sources for the certificate
    /// (`trust.revoked-certificate`, or `trust.revocation-unavailable` where a source fails closed).
    static func admitNode(
        _ chain: [[UInt8]], member: String, configuration: GlobalConfiguration, trust: CertificateVerifier,
        revocation: ClientCertificateRevocation?, at time: Date
    ) async -> Problem? {
        if let problem = checkNode(chain, member: member, configuration: configuration, trust: trust, at: time) {
            return problem
        }
        // The configuration's CRLs are in `trust`; the node's own CRL files and OCSP responder apply to every
        // client certificate it takes, a node's as a consumer's.
        return await revocation?.check(chain: chain)
    }

    /// Why the node presenting `chain` may not forward for `member`: no certificate, or one outside the federation's
    /// anchors (`federation.untrusted-node`); listed for no node (`federation.unknown-node`: never listed, or
    /// removed from the configuration); listed for a node that does not serve `member`
    /// (`federation.node-not-serving-member`). `nil` when it may.
    private static func checkNode(
        _ chain: [[UInt8]], member: String, configuration: GlobalConfiguration, trust: CertificateVerifier,
        at time: Date
    ) -> Problem? {
        guard let leaf = chain.first else { return FederationProblems.untrustedNode("no client certificate") }
        do throws(TrustError) {
            // By DER: a node's chain seen before is neither parsed nor validated again (it was half a lookup's CPU).
            _ = try trust.verify(chainDER: chain, expectedMember: nil, at: time, requireDigitalSignature: false)
        } catch {
            return FederationProblems.untrustedNode("the client certificate: \(error.code.wireCode)")
        }
        let fingerprint = Hex.encode(Digest.sha256(leaf))
        guard let node = configuration.nodes.first(where: { $0.tlsFingerprints.contains(fingerprint) }) else {
            return FederationProblems.unknownNode
        }
        guard node.members.contains(where: { $0.hasSameCodePoints(as: member) }) else {
            return FederationProblems.nodeNotServingMember(node: node.id, member: member)
        }
        return nil
    }
}
