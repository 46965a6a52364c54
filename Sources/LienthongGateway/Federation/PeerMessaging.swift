import Foundation
import LienthongConnectors
import LienthongCore
import LienthongFederation
import LienthongHTTP
import LienthongJSON
import LienthongNodeStore
import LienthongTrust

/// Documents and read receipts between nodes, over the same mutual TLS path as forwarded lookups
/// (``FederationPeers``: one client, a breaker per node): the sender's node posts a document to the node the global
/// configuration names for the recipient's member (``PeerMessageEndpoint`` there), its attachments streamed from the
/// attachment store, and checks the signed delivery receipt it answers; the recipient's node posts the read receipt
/// back the same way.
struct PeerMessaging: Sendable {
    /// The recipient node's route for documents (``Route/federationMessages``).
    static let messagesPath = "/v1/federation/messages"
    /// The sender node's route for read receipts (``Route/federationReceipts``).
    static let receiptsPath = "/v1/federation/receipts"
    /// The largest answer taken from another node: a receipt is a few KiB.
    static let maxResponseBytes = 256 * 1024

    /// How an attempt to hand something to another node ended.
    enum Outcome: Sendable {
        /// Taken: the signed receipt it answered (delivery), checked.
        case taken(Receipt?)
        /// Refused for good (no grant, unknown recipient, a bad envelope): the node's problem code.
        case refused(String)
        /// Not taken this time (node down, timeout, breaker open, a 5xx): the code, tried again later.
        case failed(String)
    }

    /// A delivery receipt from the recipient's node, verified.
    struct Receipt: Sendable {
        var body: [UInt8]
        /// Base64url SHA-256 of `JCS(message)`: what both nodes' audit records name.
        var sha256: String
        var receivedAt: Date
    }

    let peers: FederationPeers
    /// Lowercase hex SHA-256 of this node's TLS server certificate: how it finds itself among the configuration's
    /// nodes (`nil`: no TLS, so no listing can be this node).
    let ownFingerprint: String?
    /// The node's own revocation sources (`node.json` `revocation`), which a sending node's certificate passes too.
    let revocation: ClientCertificateRevocation?
    /// Countersigns a document on its way out: the sender's identity held here, else the receipt signer's.
    let identities: [ExchangeID: JWSSigningIdentity]
    let now: @Sendable () -> Date

    /// Why this node cannot tell yet which node serves a member: it holds no global configuration (a first start
    /// before the first fetch). `nil` once it holds one, even expired (exchanges then stop at their own gate).
    var routingUnknown: Problem? {
        guard peers.state.snapshot.configuration == nil else { return nil }
        return peers.state.admitCrossNodeExchange(at: now())
    }

    /// The other node the global configuration names for the member of `subsystem`; `nil` when the member is this
    /// node's, or no node (or no configuration) names it.
    func node(serving subsystem: String) -> GlobalConfiguration.Node? {
        guard let configuration = peers.state.snapshot.configuration, let id = ExchangeID(subsystem) else {
            return nil
        }
        let member = id.member.description
        guard let node = configuration.nodes.first(where: { $0.members.contains { $0.hasSameCodePoints(as: member) } })
        else { return nil }
        if let ownFingerprint, node.tlsFingerprints.contains(ownFingerprint) { return nil }
        return node
    }

    /// Posts `message` (its envelope countersigned by `fallback` or the sender's identity held here, its attachments
    /// read from `store` while they are sent) to `node`, and checks the delivery receipt it answers.
    func deliver(
        _ message: QueuedMessage, to node: GlobalConfiguration.Node, store: any AttachmentStore,
        fallback: JWSSigningIdentity?
    ) async -> Outcome {
        if let problem = peers.state.admitCrossNodeExchange(at: now()) { return .failed(problem.code) }
        guard let identity = ExchangeID(message.sender).flatMap({ identities[$0] }) ?? fallback else {
            return .refused(FederationProblems.noSigningKey(message.sender).code)
        }
        let envelope: [UInt8]
        do {
            let parsed = try EnvelopeParser.parse(message.envelope, maxEnvelopeBytes: DocumentMessage.maxEnvelopeBytes)
            envelope = try EnvelopeSigner.countersign(parsed, identity: identity, issuedAt: now()).serializedBytes()
        } catch {
            return .refused(error.problem.code)
        }
        let body = PeerMessageBody(envelope: envelope, attachments: message.attachments, store: store)
        var request = HTTPClientRequest(
            url: node.address + Self.messagesPath, method: .post,
            headers: ["Content-Type": body.contentType, "Lienthong-Request-Id": message.id],
            connectTimeout: peers.timeout, totalTimeout: max(peers.timeout, Self.uploadTimeout(body.length)),
            maxResponseBytes: Self.maxResponseBytes)
        request.upload = body.upload
        let response: HTTPClientResponse
        switch await send(request, to: node) {
        case .failure(let error): return .failed(error.code.wireCode)
        case .success(let answered): response = answered
        }
        guard response.status == 200 else { return Self.refusal(response) }
        switch verifiedReceipt(response.body, for: message, from: node) {
        case .success(let receipt): return .taken(receipt)
        case .failure(let problem): return .failed(problem.code)
        }
    }

    /// The global configuration and its anchors for a request from another node at `time`, or why the node takes
    /// none now (configuration expired or missing, anchors unusable).
    func admission(at time: Date) -> Result<(GlobalConfiguration, CertificateVerifier), Problem> {
        if let problem = peers.state.admitCrossNodeExchange(at: time) { return .failure(problem) }
        guard let configuration = peers.state.snapshot.configuration, let trust = try? peers.trust(configuration) else {
            return .failure(FederationProblems.untrustedNode("the global configuration's anchors"))
        }
        return .success((configuration, trust))
    }

    /// Posts the read receipt of `message` back to its sender's node.
    func returnReceipt(_ receipt: [UInt8], of message: QueuedMessage, to node: GlobalConfiguration.Node) async
        -> Outcome
    {
        if let problem = peers.state.admitCrossNodeExchange(at: now()) { return .failed(problem.code) }
        let request = HTTPClientRequest(
            url: node.address + Self.receiptsPath, method: .post,
            headers: ["Content-Type": "application/lienthong-envelope+json", "Lienthong-Request-Id": message.id],
            body: receipt, connectTimeout: peers.timeout, totalTimeout: peers.timeout,
            maxResponseBytes: Self.maxResponseBytes)
        switch await send(request, to: node) {
        case .failure(let error): return .failed(error.code.wireCode)
        case .success(let response):
            // 409: the sender's node has not stored the delivery receipt yet; it will.
            if response.status == 409 { return .failed(MessageProblems.notDelivered.code) }
            return response.status == 200 ? .taken(nil) : Self.refusal(response)
        }
    }

    private func send(_ request: HTTPClientRequest, to node: GlobalConfiguration.Node) async
        -> Result<HTTPClientResponse, ConnectorError>
    {
        guard let configuration = peers.state.snapshot.configuration else {
            return .failure(
                ConnectorError(code: .unavailable, registry: "messages", detail: "no global configuration yet"))
        }
        do throws(ConnectorError) {
            return .success(try await peers.send(request, to: node, in: configuration, registry: "messages"))
        } catch {
            return .failure(error)
        }
    }

    /// A 4xx other than a timeout or a rate limit will not change by trying again; the rest may.
    static func refusal(_ response: HTTPClientResponse) -> Outcome {
        let code = (try? JSONValue.parse(response.body))?["code"]?.stringValue ?? "upstream-unavailable"
        let transient = response.status >= 500 || response.status == 408 || response.status == 429
        return transient || !(400...499).contains(response.status) ? .failed(code) : .refused(code)
    }

    /// Time for the attachments at a modest 1 MiB/s on top of the peer timeout, so a large document is not cut off.
    static func uploadTimeout(_ length: Int) -> Duration { .seconds(5 + length / (1024 * 1024)) }

    /// The answer of `node` as a delivery receipt of `message`: every signature valid under the federation's
    /// anchors, its issuer a member that node serves, naming this message, its hash and its attachments' hashes.
    func verifiedReceipt(
        _ body: [UInt8], for message: QueuedMessage, from node: GlobalConfiguration.Node
    ) -> Result<Receipt, Problem> {
        guard let configuration = peers.state.snapshot.configuration else {
            return .failure(FederationProblems.badReceipt)
        }
        let verified: VerifiedEnvelope
        do throws(TrustError) {
            verified = try EnvelopeVerifier.verify(
                bytes: body, trust: try peers.trust(configuration), at: now(), maxEnvelopeBytes: Self.maxResponseBytes)
        } catch {
            return .failure(FederationProblems.badReceipt)
        }
        let receipt = verified.message
        guard let issuer = ExchangeID(verified.member),
            node.members.contains(where: { $0.hasSameCodePoints(as: issuer.member.description) })
        else { return .failure(FederationProblems.badReceipt) }
        let names: [(String, String)] = [
            ("type", "receipt"), ("kind", "delivery"), ("messageId", message.id), ("messageHash", message.messageHash),
            ("receiver", message.recipient),
        ]
        for (member, expected) in names where receipt[member]?.stringValue?.hasSameCodePoints(as: expected) != true {
            return .failure(FederationProblems.badReceipt)
        }
        let hashes = receipt["attachments"]?.arrayValue?.compactMap { $0["sha256"]?.stringValue } ?? []
        guard hashes == message.attachments.map(\.sha256),
            let receivedAt = receipt["receivedAt"]?.stringValue.flatMap(Timestamp.parse),
            let payload = try? JCS.canonicalize(receipt)
        else { return .failure(FederationProblems.badReceipt) }
        return .success(
            Receipt(body: body, sha256: Base64URL.encode(Digest.sha256(payload)), receivedAt: receivedAt))
    }
}

extension PeerMessaging {
    /// The messaging of a node with `peers`: its own server certificate's fingerprint, the forwarding's
    /// identities and the node's `revocation` sources.
    static func make(
        _ configuration: GatewayConfiguration, peers: FederationPeers, forwarding: PeerForwarding,
        revocation: ClientCertificateRevocation?
    ) throws -> PeerMessaging {
        let fingerprint = try configuration.node.tls.map { settings in
            let chain = try Certificate.loadChain(from: configuration.dataPath(settings.certificate))
            return Hex.encode(Digest.sha256(chain.first?.derBytes ?? []))
        }
        return PeerMessaging(
            peers: peers, ownFingerprint: fingerprint, revocation: revocation, identities: forwarding.identities,
            now: { Date() })
    }
}
