import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongJSON
import LienthongTesting
import LienthongTrust
import Testing

extension FederationExchangeTests {
    /// A forwarded lookup sent straight to the population node with `certificate` (a node's national client
    /// certificate, or none).
    static func forward(
        _ envelope: JSONValue, to provider: GatewayProcess, as certificate: (certificate: String, key: String)?
    ) async throws -> HTTPClientResponse {
        let client = HTTPClient(
            tls: TLSClientConfiguration(
                caFilePath: provider.rootCA, certificatePath: certificate?.certificate,
                privateKeyPath: certificate?.key))
        defer { client.shutdown() }
        return try await provider.post(
            "/v1/federation/records/population/\(try personalID)", body: envelope.serializedBytes(),
            headers: ["Content-Type": "application/lienthong-envelope+json"], client: client)
    }

    /// The provider's audit record of `requestID`, which must be the only one.
    static func audited(_ provider: GatewayProcess, _ requestID: String) throws -> AuditRecord {
        let records = try AuditLog.allRecords(path: provider.auditPath).filter { $0.requestID == requestID }
        #expect(records.count == 1)
        return try #require(records.first)
    }

    @Test(.timeLimit(.minutes(5)))
    func theProviderNodeRefusesEachBadCallerWithItsOwnCodeAndAuditsIt() async throws {
        let network = try await Self.network()
        defer { network.stop() }
        let (province, population) = (try Self.node(network, "node-hcm"), try Self.node(network, "node-bca"))
        let signer = try RequestSigner.demoClient(province, Self.motcua)
        func request(_ id: String = UUID().uuidString.lowercased()) throws -> (id: String, envelope: JSONValue) {
            (id, try signer.sign(SignedRequestMessage.population(try Self.personalID, id: id)))
        }

        // An impostor: a valid national certificate of a node listed, but not for the consumer's member.
        let impostor = try request()
        let refused = try await Self.forward(
            impostor.envelope, to: population, as: network.nodeCertificate("node-rogue"))
        #expect(refused.status == 403)
        #expect(refused.problemCode == "federation.node-not-serving-member")
        #expect(try Self.audited(population, impostor.id).problemCode == "federation.node-not-serving-member")

        // No client certificate at all.
        let anonymous = try request()
        let untrusted = try await Self.forward(anonymous.envelope, to: population, as: nil)
        #expect(untrusted.problemCode == "federation.untrusted-node")
        #expect(try Self.audited(population, anonymous.id).problemCode == "federation.untrusted-node")

        // Tampered after signing: the purpose changed.
        let original = try request()
        var tampered = try #require(original.envelope.objectValue)
        var message = try #require(tampered["message"]?.objectValue)
        message["purpose"] = "enterprise-registration"
        tampered["message"] = .object(message)
        let badSignature = try await Self.forward(
            .object(tampered), to: population, as: network.nodeCertificate("node-hcm"))
        #expect(badSignature.problemCode == "trust.bad-signature")
        #expect(try Self.audited(population, original.id).problemCode == "trust.bad-signature")

        // Replayed: the same forwarded request twice.
        let fresh = try request()
        let first = try await Self.forward(fresh.envelope, to: population, as: network.nodeCertificate("node-hcm"))
        #expect(first.status == 200, "\(first.json)")
        let replayed = try await Self.forward(fresh.envelope, to: population, as: network.nodeCertificate("node-hcm"))
        #expect(replayed.status == 409)
        #expect(replayed.problemCode == "replay-detected")
        let records = try AuditLog.allRecords(path: population.auditPath).filter { $0.requestID == fresh.id }
        #expect(records.map(\.problemCode) == [nil, "replay-detected"])

        // The province node's certificate removed from the configuration: refused from the version that drops it.
        try await network.publish(clients: ["node-btc": ["node-rogue"]])
        let removedID = UUID().uuidString.lowercased()
        let removed = try await Self.ask(
            province, "/v1/records/population/\(try Self.personalID)", requestID: removedID)
        #expect(removed.status == 403)
        #expect(removed.problemCode == "federation.unknown-node")
        #expect(try Self.audited(population, removedID).problemCode == "federation.unknown-node")
        #expect(try Self.audited(province, removedID).problemCode == "federation.unknown-node")
    }

    @Test(.timeLimit(.minutes(5)))
    func aProviderNodeDownOrStalledCostsItsOwnLookupsOnly() async throws {
        // A cool-down no run of a few lookups outlasts, however loaded the machine: every lookup after the breaker
        // opened meets it open (with 1 s, a slow handshake let a probe through and the code was the node's again).
        let network = try await Self.network(peerCoolDownSeconds: 60)
        defer { network.stop() }
        let province = try Self.node(network, "node-hcm")
        let person = "/v1/records/population/\(try Self.personalID)"
        let enterprise = "/v1/records/enterprise/\(try Self.enterpriseCode)"
        #expect(try await Self.ask(province, person).status == 200)

        // Stalled: the node's socket accepts, nothing answers. 504 within the peer timeout (3 s), not later: one
        // retry would take two peer timeouts.
        let population = try Self.node(network, "node-bca")
        kill(population.process.processIdentifier, SIGSTOP)
        let started = ContinuousClock.now
        let stalled = try await Self.ask(province, person)
        let waited = started.duration(to: .now)
        kill(population.process.processIdentifier, SIGCONT)
        #expect(stalled.status == 504)
        #expect(stalled.problemCode == "upstream-timeout")
        #expect(waited >= .seconds(2) && waited < .seconds(6), "\(waited)")
        #expect(try await Self.ask(province, enterprise).status == 200)

        // Down: 502 at once; the other provider answers. The timeout above, this failure and the next open the
        // breaker (threshold 3): from then on the breaker answers for the node.
        population.stop()
        let down = try await Self.ask(province, person)
        #expect(down.status == 502)
        #expect(down.problemCode == "upstream-unavailable")
        #expect(try await Self.ask(province, enterprise).status == 200)
        var codes: [String?] = []
        for _ in 0..<3 { codes.append(try await Self.ask(province, person).problemCode) }
        #expect(codes[0] == "upstream-unavailable", "\(codes)")
        #expect(codes[1...].allSatisfy { $0 == "upstream-circuit-open" }, "\(codes)")
        #expect(try await Self.ask(province, enterprise).status == 200)
    }

    @Test(.timeLimit(.minutes(5)))
    func aProviderNodeBackAfterItsBreakerOpenedIsReachedAgainByItself() async throws {
        let network = try await Self.network()
        defer { network.stop() }
        let province = try Self.node(network, "node-hcm")
        let person = "/v1/records/population/\(try Self.personalID)"
        #expect(try await Self.ask(province, person).status == 200)

        // Down until the breaker opened (threshold 3, cool-down 1 s: later lookups may be probes that fail again).
        let population = try Self.node(network, "node-bca")
        population.stop()
        var codes: [String?] = []
        for _ in 0..<3 { codes.append(try await Self.ask(province, person).problemCode) }
        #expect(codes.allSatisfy { $0 == "upstream-unavailable" || $0 == "upstream-circuit-open" }, "\(codes)")

        // Restarted on its address: lookups recover by themselves once the breaker lets a probe through.
        _ = try network.restart("node-bca")
        var status = 0
        try await Poll.until(within: .seconds(30), every: .milliseconds(300)) {
            status = try await Self.ask(province, person).status
            return status == 200
        }
        #expect(status == 200)
    }
}
