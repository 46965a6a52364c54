import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongJSON
import LienthongTesting
import LienthongTrust
import Synchronization
import Testing

/// A provider node's TLS certificate rotated through two global configuration versions (old and new listed, then
/// the new only) while lookups run through the province node: none fails, the new certificate is the one in use at
/// the end, and the old one is refused once the configuration no longer lists it.
@Suite(.serialized)
struct FederationRotationTests {
    /// Lookups through the province node until stopped, with what each answered.
    final class LookupLoop: Sendable {
        struct Tally: Sendable {
            var running = true
            var succeeded = 0
            var failures: [String] = []
        }

        let tally = Mutex(Tally())

        var succeeded: Int { tally.withLock { $0.succeeded } }

        /// Asks `path` on `province` over and over until ``stop()``.
        func run(_ province: GatewayProcess, _ path: String) async {
            let client = province.client(certificate: province.clientCertificate(FederationExchangeTests.motcua))
            defer { client.shutdown() }
            while tally.withLock({ $0.running }) {
                let outcome: String?
                do {
                    let response = try await province.get(
                        path, headers: ["Lienthong-Purpose": FederationExchangeTests.purpose], client: client)
                    outcome =
                        response.status == 200
                        ? nil : "\(response.status) \(response.json["code"]?.stringValue ?? "")"
                } catch {
                    outcome = "\(error)"
                }
                tally.withLock { tally in
                    if let outcome { tally.failures.append(outcome) } else { tally.succeeded += 1 }
                }
            }
        }

        func stop() { tally.withLock { $0.running = false } }

        /// Waits until `count` more lookups succeeded than now.
        func waitForMore(_ count: Int) async throws {
            let target = succeeded + count
            #expect(try await Poll.until(within: .seconds(60)) { self.succeeded >= target })
        }
    }

    /// A GET of the provider's `/healthz` with its certificate pinned to `fingerprint`.
    static func pinnedHealth(_ provider: GatewayProcess, _ fingerprint: String) async throws(HTTPClientError)
        -> HTTPClientResponse
    {
        let client = HTTPClient(tls: TLSClientConfiguration(caFilePath: provider.rootCA))
        defer { client.shutdown() }
        return try await client.send(
            HTTPClientRequest(
                url: provider.baseURL + "/healthz", pinnedCertificates: [Hex.decode(fingerprint) ?? []]))
    }

    @Test(.timeLimit(.minutes(5)))
    func aProviderNodesCertificateRotatesWithoutAFailedLookupAndTheOldOneIsRefusedAfterwards() async throws {
        let network = try FederationNetwork(nodeCertificates: ["node-hcm"])
        defer { network.stop() }
        try network.start("node-bca", members: ["VN/GOV/BCA"], registries: ["population"])
        let province = try network.start(
            "node-hcm", members: ["VN/GOV/HCM"], registries: [], peerCertificate: "node-hcm")
        try await network.publish(clients: ["node-hcm": ["node-hcm"]])
        var population = try FederationExchangeTests.node(network, "node-bca")

        // A new server certificate from the same national intermediate CA; the old one kept aside.
        let rotated = network.authority.directory.appendingPathComponent("rotated")
        try FileManager.default.createDirectory(at: rotated, withIntermediateDirectories: true)
        for file in ["root-ca.crt.pem", "root-ca.key.pem", "intermediate-ca.crt.pem", "intermediate-ca.key.pem"] {
            try FileManager.default.copyItem(
                at: network.national.appendingPathComponent(file), to: rotated.appendingPathComponent(file))
        }
        let fresh = try DevelopmentPKI.create(in: rotated, providers: [], consumers: [])
        let pki = population.dataDirectory.appendingPathComponent("pki")
        let certificate = pki.appendingPathComponent("server.crt.pem")
        let key = pki.appendingPathComponent("server.key.pem")
        let oldCertificate = rotated.appendingPathComponent("old.crt.pem")
        let oldKey = rotated.appendingPathComponent("old.key.pem")
        try FileManager.default.copyItem(at: certificate, to: oldCertificate)
        try FileManager.default.copyItem(at: key, to: oldKey)
        let old = try FederationNetwork.fingerprint(certificate.path)
        let new = try FederationNetwork.fingerprint(fresh.server.certificate.path)
        #expect(old != new)
        #expect(try await Self.pinnedHealth(population, old).status == 200)

        let loop = LookupLoop()
        let path = "/v1/records/population/\(try FederationExchangeTests.personalID)"
        let lookups = Task { await loop.run(province, path) }
        try await loop.waitForMore(3)

        // Version N+1 lists both certificates for the population node; the province node takes it.
        try await network.publish(
            clients: ["node-hcm": ["node-hcm"]], alsoListed: ["node-bca": [fresh.server.certificate.path]])
        try await loop.waitForMore(3)

        // The population node reloads with the new certificate: new connections get it, open ones finish.
        func replace(_ file: URL, with source: URL) throws {
            try? FileManager.default.removeItem(at: file)
            try FileManager.default.copyItem(at: source, to: file)
        }
        try replace(certificate, with: fresh.server.certificate)
        try replace(key, with: fresh.server.key)
        let reload = try await ReloadTests.reload(population)
        #expect(reload.status == 0, "\(reload.stdout)\(reload.stderr)")
        #expect(try await Self.pinnedHealth(population, new).status == 200)
        try await loop.waitForMore(3)

        // Version N+2 lists the new certificate only; the province node takes it and goes on.
        try await network.publish(clients: ["node-hcm": ["node-hcm"]])
        try await loop.waitForMore(5)
        loop.stop()
        await lookups.value
        let tally = loop.tally.withLock { $0 }
        #expect(tally.failures.isEmpty, "\(tally.failures.count) failed: \(tally.failures.prefix(5))")
        #expect(tally.succeeded >= 14)

        // The new certificate is the one in use: the old pin is refused before anything is sent.
        await #expect(throws: HTTPClientError(code: .certificateNotPinned, detail: "")) {
            _ = try await Self.pinnedHealth(population, old)
        }

        // The population node restarted on its old certificate: the province node refuses it, nothing is sent.
        try replace(certificate, with: oldCertificate)
        try replace(key, with: oldKey)
        population = try network.restart("node-bca")
        let requestID = UUID().uuidString.lowercased()
        let refused = try await FederationExchangeTests.ask(province, path, requestID: requestID)
        #expect(refused.status == 502, "\(String(decoding: refused.body, as: UTF8.self))")
        #expect(refused.json["code"] == "federation.unlisted-node-certificate")
        #expect(try AuditLog.allRecords(path: population.auditPath).filter { $0.requestID == requestID }.isEmpty)
    }
}
