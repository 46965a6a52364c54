import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongJSON
import LienthongTesting
import LienthongTrust
import Testing

/// Lookups between nodes, with real processes and real TLS on loopback: a province consumer node forwards to the
/// provider nodes the global configuration names, the provider signs as origin and the consumer node countersigns,
/// both audit the exchange; the provider refuses nodes the configuration does not vouch for, tampered and replayed
/// requests; a provider node that stops answering costs its own lookups only.
@Suite(.serialized)
struct FederationExchangeTests {
    static let motcua = "VN/GOV/HCM/MOTCUA"
    static let purpose = "residence-verification"

    /// An authority, the population node (BCA), the enterprise node (BTC) and the province node (HCM), which keeps
    /// only the land and insurance registries.
    /// The three nodes; `peerCoolDownSeconds` is the province node's (node-hcm's) breaker cool-down.
    static func network(peerCoolDownSeconds: Double = 1) async throws -> FederationNetwork {
        let network = try FederationNetwork(nodeCertificates: ["node-hcm", "node-rogue", "node-removed"])
        try network.start("node-bca", members: ["VN/GOV/BCA"], registries: ["population"])
        try network.start("node-btc", members: ["VN/GOV/BTC"], registries: ["enterprise"])
        try network.start(
            "node-hcm", members: ["VN/GOV/HCM"], registries: ["land", "insurance"], peerCertificate: "node-hcm",
            peerCoolDownSeconds: peerCoolDownSeconds)
        try await network.publish(
            clients: ["node-hcm": ["node-hcm", "node-removed"], "node-btc": ["node-rogue"]])
        return network
    }

    static func node(_ network: FederationNetwork, _ id: String) throws -> GatewayProcess {
        try #require(network.nodes.first { $0.id == id }?.process)
    }

    /// A GET of `path` on the province node as the demo one-stop system.
    static func ask(_ province: GatewayProcess, _ path: String, requestID: String = UUID().uuidString.lowercased())
        async throws -> HTTPClientResponse
    {
        try await province.get(
            path, headers: ["Lienthong-Purpose": purpose, "Lienthong-Request-Id": requestID],
            client: province.client(certificate: province.clientCertificate(motcua)))
    }

    static var personalID: String {
        get throws { try #require(try Seeds.rows("population.csv").first?["so_dinh_danh"]) }
    }
    static var enterpriseCode: String {
        get throws { try #require(try Seeds.rows("enterprise.csv").first?["ma_so_doanh_nghiep"]) }
    }

    @Test(.timeLimit(.minutes(5)))
    func aLookupThroughTheProvinceNodeIsSignedByTheProviderCountersignedAndAuditedOnBothSides() async throws {
        let network = try await Self.network()
        defer { network.stop() }
        let (province, population) = (try Self.node(network, "node-hcm"), try Self.node(network, "node-bca"))
        let requestID = UUID().uuidString.lowercased()
        let response = try await Self.ask(
            province, "/v1/records/population/\(try Self.personalID)", requestID: requestID)
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        let envelope = response.json
        let message = try #require(envelope["message"])
        #expect(message["provider"] == "VN/GOV/BCA/DANCU")
        #expect(message["consumer"] == .string(Self.motcua))
        #expect(message["requestId"]?.stringValue == requestID)
        #expect(message["record"]?["personalId"]?.stringValue == (try Self.personalID))

        // Our verifier against the national root: the provider's origin, the province node's countersignature.
        let root = network.national.appendingPathComponent("root-ca.crt.pem")
        let verified = try EnvelopeVerifier.verify(
            envelope, trust: CertificateVerifier(trustStore: try TrustStore.load(anchorFiles: [root])), at: Date())
        #expect(verified.signatures.map(\.member) == ["VN/GOV/BCA/DANCU", Self.motcua])

        // `lienthong verify` says the same.
        let file = network.authority.directory.appendingPathComponent("answer.json")
        try Data(envelope.serializedBytes()).write(to: file)
        let verify = try ChildProcess.run(GatewayProcess.binary, ["verify", file.path, "--trust-anchor", root.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let lines = verify.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        for expected in [
            "signature 0: origin", "member: VN/GOV/BCA/DANCU", "signature 1: countersignature",
            "member: \(Self.motcua)", "result: valid",
        ] {
            #expect(lines.contains(expected), "\(verify.stdout)")
        }

        // The openssl tool, each signature over ASCII(protected) || "." || JCS(message).
        let payload = try JCS.canonicalize(message)
        for signature in envelope["signatures"]?.arrayValue ?? [] {
            let protected = try #require(signature["protected"]?.stringValue)
            let header = try JSONValue.parse(try Base64URL.decode(protected))
            let leaf = try Base64.decode(try #require(header["x5c"]?[0]?.stringValue))
            let raw = try Base64URL.decode(try #require(signature["signature"]?.stringValue))
            #expect(
                try OpenSSLTool.verifyES256(
                    signingInput: Array(protected.utf8) + Array(".".utf8) + payload, rawSignature: raw,
                    certificateDER: leaf))
        }
        #expect(envelope["signatures"]?.arrayValue?.count == 2)

        // Both audit logs hold the exchange: same request id, request hash and message hash.
        let messageHash = Base64URL.encode(Digest.sha256(payload))
        let here = try AuditLog.allRecords(path: province.auditPath).filter { $0.requestID == requestID }
        let there = try AuditLog.allRecords(path: population.auditPath).filter { $0.requestID == requestID }
        let consumerSide = try #require(here.first)
        let providerSide = try #require(there.first)
        #expect(here.count == 1 && there.count == 1)
        #expect(consumerSide.outcome == .allowed && providerSide.outcome == .allowed)
        #expect(consumerSide.messageSHA256 == messageHash && providerSide.messageSHA256 == messageHash)
        #expect(consumerSide.requestSHA256 != nil)
        #expect(consumerSide.requestSHA256 == providerSide.requestSHA256)
        #expect(consumerSide.requestSHA256 == message["requestHash"]?.stringValue)
        #expect(consumerSide.consumer == Self.motcua && providerSide.consumer == Self.motcua)

        // The province node keeps its connections to the provider node alive and reuses them: after more lookups the
        // provider holds at most one open connection per event loop of the province node (one loop per core; each
        // loop drives its own libcurl handle), where a connection per lookup would leave one per lookup.
        let lookups = 4
        for _ in 0..<lookups {
            #expect(try await Self.ask(province, "/v1/records/population/\(try Self.personalID)").status == 200)
        }
        let metrics = try await population.metrics(client: population.client())
        let open = metrics.split(separator: "\n").first { $0.hasPrefix(#"lienthong_open_connections{listener="api"}"#) }
        let connections = try #require(open?.split(separator: " ").last.flatMap { Int($0) }, "\(open ?? "no gauge")")
        #expect(connections >= 1 && connections <= min(lookups, ProcessInfo.processInfo.activeProcessorCount))

        // Reconciled: nothing one side holds is missing at the other.
        func reconcile() throws -> ChildProcess.Output {
            try ChildProcess.run(
                GatewayProcess.binary,
                [
                    "audit", "reconcile", province.auditPath, "--peer-log", population.auditPath,
                    "--member", "VN/GOV/HCM", "--peer-member", "VN/GOV/BCA",
                ])
        }
        let agreed = try reconcile()
        #expect(agreed.status == 0, "\(agreed.stdout)\(agreed.stderr)")
        #expect(agreed.stdout.contains("matched: 5, missing at peer: 0, missing here: 0"), "\(agreed.stdout)")
        // A lookup sent straight to the provider with the province node's certificate: the provider logged it,
        // the province node did not, and reconcile says so.
        let direct = UUID().uuidString.lowercased()
        let signer = try RequestSigner.demoClient(province, Self.motcua)
        let sent = try await Self.forward(
            try signer.sign(SignedRequestMessage.population(try Self.personalID, id: direct)), to: population,
            as: network.nodeCertificate("node-hcm"))
        #expect(sent.status == 200)
        let disagreed = try reconcile()
        #expect(disagreed.status == 1)
        #expect(disagreed.stdout.contains("missing here: \(direct)"), "\(disagreed.stdout)")
        #expect(disagreed.stdout.contains("matched: 5, missing at peer: 0, missing here: 1"), "\(disagreed.stdout)")

        // The caller's own signed request (POST): forwarded with the province node's countersignature, answered for
        // that request's hash.
        let signedID = UUID().uuidString.lowercased()
        let signedMessage = SignedRequestMessage.population(try Self.personalID, id: signedID)
        let signedRequest = try RequestSigner.demoClient(province, Self.motcua).sign(signedMessage)
        let posted = try await province.post(
            "/v1/records/population/\(try Self.personalID)", body: signedRequest.serializedBytes(),
            headers: ["Content-Type": "application/lienthong-envelope+json"],
            client: province.client(certificate: province.clientCertificate(Self.motcua)))
        #expect(posted.status == 200, "\(posted.json)")
        #expect(posted.json["message"]?["requestHash"]?.stringValue == (try RequestHash.signedRequest(signedMessage)))
        #expect(posted.json["signatures"]?.arrayValue?.count == 2)
        #expect(try Self.audited(population, signedID).outcome == .allowed)

        // The other provider answers through the same node; a registry no node serves is unknown.
        let enterprise = try await Self.ask(province, "/v1/records/enterprise/\(try Self.enterpriseCode)")
        #expect(enterprise.status == 200, "\(enterprise.json)")
        let unknown = try await Self.ask(province, "/v1/records/cadastre/1")
        #expect(unknown.problemCode == "unknown-registry")
    }
}
