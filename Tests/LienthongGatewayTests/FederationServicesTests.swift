import Foundation
import LienthongHTTP
import LienthongJSON
import LienthongTesting
import Testing

/// `GET /v1/services` on the province node of a federation of processes on loopback (real TLS): each ministry's
/// node answers from its own grants, the province node merges the answers; a node that stops answering marks its
/// services unavailable and costs nothing else.
@Suite(.serialized)
struct FederationServicesTests {
    static let motcua = FederationExchangeTests.motcua

    /// The four ministries' nodes, each with its registry, and the province node, which holds none and asks the
    /// ministries' nodes each time (no service list kept).
    static func network() async throws -> FederationNetwork {
        let network = try FederationNetwork(nodeCertificates: ["node-hcm"])
        try network.start("node-bca", members: ["VN/GOV/BCA"], registries: ["population"])
        try network.start("node-btc", members: ["VN/GOV/BTC"], registries: ["enterprise"])
        try network.start("node-bnnmt", members: ["VN/GOV/BNNMT"], registries: ["land"])
        try network.start("node-bhxh", members: ["VN/GOV/BHXH"], registries: ["insurance"])
        try network.start(
            "node-hcm", members: ["VN/GOV/HCM"], registries: [], peerCertificate: "node-hcm",
            servicesCacheSeconds: 0)
        try await network.publish(clients: ["node-hcm": ["node-hcm"]])
        return network
    }

    /// The province node's list for `consumer` (its client certificate, or its demo token when `token` names
    /// one), by service id.
    static func services(
        _ province: GatewayProcess, as consumer: String, token: String? = nil
    ) async throws -> [String: JSONValue] {
        let client = province.client(certificate: token == nil ? province.clientCertificate(consumer) : nil)
        defer { client.shutdown() }
        let headers = try token.map { ["Authorization": "Bearer \(try province.token($0))"] } ?? [:]
        let response = try await province.get("/v1/services", headers: headers, client: client)
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        #expect(response.json["consumer"] == .string(consumer))
        let entries = response.json["services"]?.arrayValue ?? []
        return Dictionary(entries.map { ($0["service"]?.stringValue ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Removes `consumer`'s grants of `services` (all of its grants when `nil`) from `node`'s grants.json, and
    /// reloads the node.
    static func revoke(_ services: Set<String>?, of consumer: String, at node: GatewayProcess) async throws {
        let file = node.configDirectory.appendingPathComponent("grants.json")
        let grants = try JSONValue.parse(Array(try Data(contentsOf: file))).arrayValue ?? []
        let kept = grants.filter { grant in
            guard grant["consumer"]?.stringValue == consumer else { return true }
            guard let services else { return false }
            return !services.contains(grant["service"]?.stringValue ?? "")
        }
        try Data(JSONValue.array(kept).serializedBytes(pretty: true)).write(to: file)
        let reload = try await ReloadTests.reload(node)
        #expect(reload.status == 0, "\(reload.stdout)\(reload.stderr)")
    }

    @Test(.timeLimit(.minutes(5)))
    func theProvinceNodeListsWhatEachMinistrysNodeGrantsAndMarksANodeThatIsDownUnavailable() async throws {
        let network = try await Self.network()
        defer { network.stop() }
        let province = try FederationExchangeTests.node(network, "node-hcm")

        // Every ministry's node grants the one-stop system its services: all five, each where it lives.
        let all = try await Self.services(province, as: Self.motcua)
        let expected: [String: (node: String, registry: String)] = [
            "VN/GOV/BCA/DANCU/person": ("node-bca", "population"),
            "VN/GOV/BTC/DKKD/enterprise": ("node-btc", "enterprise"),
            "VN/GOV/BNNMT/DATDAI/land-parcel": ("node-bnnmt", "land"),
            "VN/GOV/BNNMT/DATDAI/land-document": ("node-bnnmt", "land"),
            "VN/GOV/BHXH/CSDLBH/insurance-participation": ("node-bhxh", "insurance"),
        ]
        #expect(Set(all.keys) == Set(expected.keys))
        for (service, place) in expected {
            let entry = all[service]
            #expect(entry?["available"] == true, "\(service)")
            #expect(entry?["node"]?.stringValue == place.node, "\(service)")
            #expect(entry?["registry"]?.stringValue == place.registry, "\(service)")
            #expect(entry?["member"]?.stringValue == service.split(separator: "/").prefix(3).joined(separator: "/"))
            #expect(entry?["purposes"]?.arrayValue?.isEmpty == false, "\(service)")
        }
        #expect(all["VN/GOV/BCA/DANCU/person"]?["lookup"] == "/v1/records/population/{key}")
        // Documents are not forwarded between nodes: no document path for another node's service.
        #expect(all["VN/GOV/BNNMT/DATDAI/land-document"]?["document"] == nil)
        // A consumer the province node holds no signing key for can use no other node's service through it.
        #expect(try await Self.services(province, as: "VN/ORG/VCCI/HOIVIEN", token: "vcci.token").isEmpty)

        // The land node stops granting the land documents, the insurance node everything: the list follows.
        try await Self.revoke(
            ["VN/GOV/BNNMT/DATDAI/land-document"], of: Self.motcua,
            at: try FederationExchangeTests.node(network, "node-bnnmt"))
        try await Self.revoke(nil, of: Self.motcua, at: try FederationExchangeTests.node(network, "node-bhxh"))
        let fewer = try await Self.services(province, as: Self.motcua)
        #expect(
            Set(fewer.keys)
                == ["VN/GOV/BCA/DANCU/person", "VN/GOV/BTC/DKKD/enterprise", "VN/GOV/BNNMT/DATDAI/land-parcel"])
        #expect(fewer.values.allSatisfy { $0["available"] == true })

        // The enterprise node is killed: its service is still listed, marked unavailable with the stable code,
        // and the others are listed as before.
        try FederationExchangeTests.node(network, "node-btc").stop()
        let degraded = try await Self.services(province, as: Self.motcua)
        #expect(Set(degraded.keys) == Set(fewer.keys))
        let enterprise = degraded["VN/GOV/BTC/DKKD/enterprise"]
        #expect(enterprise?["available"] == false)
        #expect(enterprise?["problem"] == "upstream-unavailable")
        #expect(enterprise?["fields"] == fewer["VN/GOV/BTC/DKKD/enterprise"]?["fields"])
        for service in ["VN/GOV/BCA/DANCU/person", "VN/GOV/BNNMT/DATDAI/land-parcel"] {
            #expect(degraded[service]?["available"] == true, "\(service)")
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func theProviderEndpointRefusesACallerWithoutANodeCertificate() async throws {
        let network = try await Self.network()
        defer { network.stop() }
        let population = try FederationExchangeTests.node(network, "node-bca")
        let signer = try RequestSigner.demoClient(population, Self.motcua)
        let message: JSONValue = [
            "type": "request", "operation": "services", "id": .string(UUID().uuidString.lowercased()),
            "issuedAt": .string(ISO8601DateFormatter().string(from: Date())), "consumer": .string(Self.motcua),
        ]
        let envelope = try signer.sign(message)
        let client = HTTPClient(tls: TLSClientConfiguration(caFilePath: population.rootCA))
        defer { client.shutdown() }
        let response = try await population.post(
            "/v1/federation/services", body: envelope.serializedBytes(),
            headers: ["Content-Type": "application/lienthong-envelope+json"], client: client)
        #expect(response.status == 403)
        #expect(response.json["code"] == "federation.untrusted-node")
        // The same request from the province node's certificate is answered, signed by the population node.
        let province = HTTPClient(
            tls: TLSClientConfiguration(
                caFilePath: population.rootCA, certificatePath: network.nodeCertificate("node-hcm").certificate,
                privateKeyPath: network.nodeCertificate("node-hcm").key))
        defer { province.shutdown() }
        let answered = try await population.post(
            "/v1/federation/services", body: envelope.serializedBytes(),
            headers: ["Content-Type": "application/lienthong-envelope+json"], client: province)
        #expect(answered.status == 200, "\(String(decoding: answered.body, as: UTF8.self))")
        #expect(answered.json["message"]?["provider"] == "VN/GOV/BCA/DANCU")
        #expect(answered.json["message"]?["services"]?[0]?["service"] == "VN/GOV/BCA/DANCU/person")
        // Sent again: a replay.
        let replayed = try await population.post(
            "/v1/federation/services", body: envelope.serializedBytes(),
            headers: ["Content-Type": "application/lienthong-envelope+json"], client: province)
        #expect(replayed.status == 409)
    }
}
