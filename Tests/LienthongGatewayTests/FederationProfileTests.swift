import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongJSON
import LienthongTesting
import LienthongTrust
import Testing

/// The person profile through a province node that holds no registry, with real processes and real TLS on
/// loopback: each part comes from the ministry node serving its registry, signed there as origin after that node's
/// own grants decided, and travels intact inside the profile the province node signs (`person-profile.v2`); a part
/// that does not come is withheld with the code of the one-node profile; both sides audit every part.
@Suite(.serialized)
struct FederationProfileTests {
    static let motcua = FederationExchangeTests.motcua

    /// Each part of the profile: its member, its registry, the node serving it, that node's member and the provider.
    static let parts: [(member: String, registry: String, node: String, owner: String, provider: String)] = [
        ("person", "population", "node-bca", "VN/GOV/BCA", "VN/GOV/BCA/DANCU"),
        ("enterprises", "enterprise", "node-btc", "VN/GOV/BTC", "VN/GOV/BTC/DKKD"),
        ("parcels", "land", "node-bnnmt", "VN/GOV/BNNMT", "VN/GOV/BNNMT/DATDAI"),
        ("insurance", "insurance", "node-bhxh", "VN/GOV/BHXH", "VN/GOV/BHXH/CSDLBH"),
    ]

    /// `scripts/federation`'s federation: an authority, one node per ministry with its registry, and the province
    /// node (HCM) with none.
    static func network() async throws -> FederationNetwork {
        let network = try FederationNetwork(nodeCertificates: ["node-hcm"])
        for part in parts {
            try network.start(part.node, members: [part.owner], registries: [part.registry])
        }
        try network.start("node-hcm", members: ["VN/GOV/HCM"], registries: [], peerCertificate: "node-hcm")
        try await network.publish(clients: ["node-hcm": ["node-hcm"]])
        return network
    }

    /// The profile of `personalID` asked of the province node as its one-stop system.
    static func profile(
        _ province: GatewayProcess, _ personalID: String, purpose: String = FederationExchangeTests.purpose,
        requestID: String = UUID().uuidString.lowercased()
    ) async throws -> HTTPClientResponse {
        try await province.get(
            "/v1/persons/\(personalID)/profile",
            headers: ["Lienthong-Purpose": purpose, "Lienthong-Request-Id": requestID],
            client: province.client(certificate: province.clientCertificate(motcua)))
    }

    /// `lienthong verify` of `envelope` against the national root.
    static func verify(_ envelope: JSONValue, in network: FederationNetwork) throws -> ChildProcess.Output {
        let file = network.authority.directory.appendingPathComponent("envelope-\(UUID().uuidString).json")
        try Data(envelope.serializedBytes()).write(to: file)
        let root = network.national.appendingPathComponent("root-ca.crt.pem")
        return try ChildProcess.run(GatewayProcess.binary, ["verify", file.path, "--trust-anchor", root.path])
    }

    @Test(.timeLimit(.minutes(6)))
    func theProvinceNodeCarriesEachMinistrysSignedPartAndTheProviderDecidesItsGrants() async throws {
        let network = try await Self.network()
        defer { network.stop() }
        let province = try FederationExchangeTests.node(network, "node-hcm")
        let person = try PersonProfileTests.personInEveryRegistry()
        let requestID = UUID().uuidString.lowercased()
        let response = try await Self.profile(province, person.id, requestID: requestID)
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        let message = try #require(response.json["message"])
        #expect(message["schema"] == "person-profile.v2")
        #expect(message["type"] == "profile")
        #expect(message["provider"] == .string(Self.motcua) && message["consumer"] == .string(Self.motcua))
        #expect(message["requestId"]?.stringValue == requestID)

        // The whole verifies with the province node's signature for the consumer, and `lienthong verify` descends
        // into every part.
        let whole = try Self.verify(response.json, in: network)
        #expect(whole.status == 0, "\(whole.stdout)\(whole.stderr)")
        #expect(whole.stdout.contains("member: \(Self.motcua)"), "\(whole.stdout)")
        for part in Self.parts {
            #expect(whole.stdout.contains("part \(part.member): valid, origin \(part.provider)"), "\(whole.stdout)")
        }

        // Each part is its provider's envelope, intact: it verifies on its own against the provider's certificate.
        let counts = ["enterprises": person.enterprises, "parcels": person.parcels, "insurance": person.insurance]
        let root = network.national.appendingPathComponent("root-ca.crt.pem")
        let trust = CertificateVerifier(trustStore: try TrustStore.load(anchorFiles: [root]))
        for part in Self.parts {
            let envelope = try #require(message["record"]?[part.member], "\(part.member)")
            #expect(envelope["message"]?["type"] == "profile-part")
            #expect(envelope["message"]?["provider"] == .string(part.provider))
            #expect(envelope["message"]?["requestId"]?.stringValue == requestID)
            let verified = try EnvelopeVerifier.verify(envelope, trust: trust, at: Date())
            #expect(verified.signatures.map(\.member) == [part.provider])
            let alone = try Self.verify(envelope, in: network)
            #expect(alone.status == 0, "\(alone.stdout)")
            #expect(alone.stdout.contains("member: \(part.provider)"), "\(alone.stdout)")
            let record = envelope["message"]?["record"]?[part.member]
            if let count = counts[part.member] {
                #expect(record?.arrayValue?.count == count, "\(part.member)")
            } else {
                #expect(record?["personalId"]?.stringValue == person.id)
            }
        }

        // Both sides audit each part with the same request id, request hash and message hash; reconcile agrees.
        let here = try AuditLog.allRecords(path: province.auditPath).filter { $0.requestID == requestID }
        #expect(here.count == 4 && here.allSatisfy { $0.outcome == .allowed })
        for part in Self.parts {
            let provider = try FederationExchangeTests.node(network, part.node)
            let there = try FederationExchangeTests.audited(provider, requestID)
            let twin = try #require(here.first { $0.provider == part.provider }, "\(part.member)")
            #expect(there.outcome == .allowed)
            #expect(twin.requestSHA256 == there.requestSHA256 && twin.requestSHA256 != nil)
            #expect(twin.messageSHA256 == there.messageSHA256 && twin.messageSHA256 != nil)
            let envelope = try #require(message["record"]?[part.member]?["message"])
            #expect(there.messageSHA256 == Base64URL.encode(Digest.sha256(try JCS.canonicalize(envelope))))
            let reconciled = try ChildProcess.run(
                GatewayProcess.binary,
                [
                    "audit", "reconcile", province.auditPath, "--peer-log", provider.auditPath,
                    "--member", "VN/GOV/HCM", "--peer-member", part.owner,
                ])
            #expect(reconciled.status == 0, "\(part.node): \(reconciled.stdout)\(reconciled.stderr)")
            #expect(reconciled.stdout.contains("missing at peer: 0, missing here: 0"), "\(reconciled.stdout)")
        }

        // For enterprise registration the land and insurance nodes grant the one-stop system nothing: their nodes
        // refuse those parts (the province node holds no grant at all), the other parts still come.
        let refusedID = UUID().uuidString.lowercased()
        let partly = try await Self.profile(
            province, person.id, purpose: "enterprise-registration", requestID: refusedID)
        #expect(partly.status == 200, "\(partly.json)")
        let record = try #require(partly.json["message"]?["record"])
        #expect(record["person"]?["message"]?["provider"] == "VN/GOV/BCA/DANCU")
        #expect(record["enterprises"]?["message"]?["provider"] == "VN/GOV/BTC/DKKD")
        for part in Self.parts where ["parcels", "insurance"].contains(part.member) {
            let withheld = try #require(record[part.member])
            #expect(withheld["withheld"] == true, "\(withheld)")
            let refusal = try FederationExchangeTests.audited(
                try FederationExchangeTests.node(network, part.node), refusedID)
            #expect(refusal.outcome == .denied)
            #expect(withheld["code"]?.stringValue == refusal.problemCode && refusal.problemCode != nil)
            let twin = try AuditLog.allRecords(path: province.auditPath).filter {
                $0.requestID == refusedID && $0.provider == part.provider
            }
            #expect(twin.map(\.outcome) == [.denied] && twin.first?.requestSHA256 == refusal.requestSHA256)
        }
    }

    @Test(.timeLimit(.minutes(6)))
    func aMinistryNodeDownCostsTheProfileItsPartOnly() async throws {
        let network = try await Self.network()
        defer { network.stop() }
        let province = try FederationExchangeTests.node(network, "node-hcm")
        let person = try PersonProfileTests.personInEveryRegistry()
        _ = try FederationExchangeTests.node(network, "node-bhxh").stop()

        let requestID = UUID().uuidString.lowercased()
        let response = try await Self.profile(province, person.id, requestID: requestID)
        #expect(response.status == 200, "\(response.json)")
        let record = try #require(response.json["message"]?["record"])
        // The code a one-node profile gives a part whose registry cannot be reached.
        #expect(record["insurance"]?["withheld"] == true)
        #expect(record["insurance"]?["code"] == "upstream-unavailable", "\(record["insurance"] ?? .null)")
        for member in ["person", "enterprises", "parcels"] {
            #expect(record[member]?["message"]?["type"] == "profile-part", "\(member)")
        }
        let audited = try AuditLog.allRecords(path: province.auditPath).filter { $0.requestID == requestID }
        #expect(audited.count == 4)
        #expect(audited.first { $0.provider == "VN/GOV/BHXH/CSDLBH" }?.problemCode == "upstream-unavailable")
        #expect(try Self.verify(response.json, in: network).status == 0)

        // A person the population registry lacks has no profile, as on one node.
        let missing = try await Self.profile(province, "001190000000")
        #expect(missing.status == 404)
        #expect(missing.problemCode == "record-not-found")
    }

    @Test(.timeLimit(.minutes(6)))
    func twoPartsOfOneNodeAndAPartOfTheProvinceNodeItselfComeWithTheProfilesOneRequestID() async throws {
        // One node serves the enterprise and land members; the province node keeps the insurance registry itself.
        let network = try FederationNetwork(nodeCertificates: ["node-hcm"])
        defer { network.stop() }
        try network.start("node-bca", members: ["VN/GOV/BCA"], registries: ["population"])
        let shared = try network.start(
            "node-shared", members: ["VN/GOV/BTC", "VN/GOV/BNNMT"], registries: ["enterprise", "land"])
        let province = try network.start(
            "node-hcm", members: ["VN/GOV/HCM"], registries: ["insurance"], peerCertificate: "node-hcm")
        try await network.publish(clients: ["node-hcm": ["node-hcm"]])
        let person = try PersonProfileTests.personInEveryRegistry()

        let requestID = UUID().uuidString.lowercased()
        let response = try await Self.profile(province, person.id, requestID: requestID)
        #expect(response.status == 200, "\(response.json)")
        let record = try #require(response.json["message"]?["record"])
        let root = network.national.appendingPathComponent("root-ca.crt.pem")
        let trust = CertificateVerifier(trustStore: try TrustStore.load(anchorFiles: [root]))
        for part in Self.parts {
            // Both parts of the shared node came: its replay window remembers the request id per part.
            let envelope = try #require(record[part.member], "\(part.member)")
            #expect(envelope["message"]?["type"] == "profile-part", "\(part.member): \(envelope)")
            let verified = try EnvelopeVerifier.verify(envelope, trust: trust, at: Date())
            #expect(verified.member == part.provider)
        }
        #expect(record["insurance"]?["message"]?["record"]?["insurance"]?.arrayValue?.count == person.insurance)
        let there = try AuditLog.allRecords(path: shared.auditPath).filter { $0.requestID == requestID }
        #expect(there.count == 2 && there.allSatisfy { $0.outcome == .allowed })
        let here = try AuditLog.allRecords(path: province.auditPath).filter { $0.requestID == requestID }
        #expect(Set(here.compactMap(\.provider)) == Set(Self.parts.map(\.provider)))
        let reconciled = try ChildProcess.run(
            GatewayProcess.binary,
            [
                "audit", "reconcile", province.auditPath, "--peer-log", shared.auditPath, "--member", "VN/GOV/HCM",
                "--peer-member", "VN/GOV/BTC", "--peer-member", "VN/GOV/BNNMT",
            ])
        #expect(reconciled.status == 0, "\(reconciled.stdout)\(reconciled.stderr)")
        #expect(reconciled.stdout.contains("matched: 2, missing at peer: 0, missing here: 0"), "\(reconciled.stdout)")

        // The same request id again is a replay, refused by the province node before any part is asked.
        let replayed = try await Self.profile(province, person.id, requestID: requestID)
        #expect(replayed.status == 409)
        #expect(replayed.problemCode == "replay-detected")
    }
}
