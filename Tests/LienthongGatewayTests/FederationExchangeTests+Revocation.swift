import Foundation
import LienthongTesting
import LienthongTrust
import Testing

extension FederationExchangeTests {
    /// The national intermediate CA, which issued the nodes' client certificates.
    static func nationalIssuer(_ network: FederationNetwork) throws -> CertificateIssuer {
        let directory = network.national
        return try CertificateIssuer(
            certificate: Certificate.loadChain(from: directory.appendingPathComponent("intermediate-ca.crt.pem"))[0],
            key: SigningKey.load(from: directory.appendingPathComponent("intermediate-ca.key.pem")))
    }

    /// Writes the national intermediate's CRL revoking `revoked` to `file`, renamed over the old one whole.
    static func writeCRL(_ file: URL, by issuer: CertificateIssuer, revoking revoked: [Certificate]) throws {
        let list = try issuer.revocationList(
            revoking: revoked, thisUpdate: Date().addingTimeInterval(-60), nextUpdate: Date().addingTimeInterval(3600))
        try Data(list.pemString.utf8).write(to: file.appendingPathExtension("new"))
        guard rename(file.appendingPathExtension("new").path, file.path) == 0 else {
            throw GatewayProcessError(message: "cannot rename the CRL")
        }
    }

    /// A node certificate is a client certificate like a consumer's: revoked by the federation's CRL (in the global
    /// configuration) or by the provider node's own `revocation` sources, its forwarded lookups are refused (#20
    /// point 7: "client certificates of consumers and peer nodes").
    @Test(.timeLimit(.minutes(5)))
    func aRevokedNodeCertificateIsRefusedByTheFederationsCRLAndByTheProvidersOwn() async throws {
        let network = try FederationNetwork(nodeCertificates: ["node-hcm"])
        defer { network.stop() }
        let issuer = try Self.nationalIssuer(network)
        let certificateFile = URL(fileURLWithPath: network.nodeCertificate("node-hcm").certificate)
        let province = try Certificate.loadChain(from: certificateFile)[0]
        let crls = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-crl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: crls, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: crls) }
        let ownCRL = crls.appendingPathComponent("node-crl.pem")
        try Self.writeCRL(ownCRL, by: issuer, revoking: [])
        let population = try network.start("node-bca", members: ["VN/GOV/BCA"], registries: ["population"]) {
            directory in
            try GatewayProcess.editJSON(directory.appendingPathComponent("node.json")) { node in
                node["revocation"] = ["crls": [.string(ownCRL.path)], "refreshSeconds": 1]
            }
        }
        let hcm = try network.start(
            "node-hcm", members: ["VN/GOV/HCM"], registries: ["land", "insurance"], peerCertificate: "node-hcm")
        try await network.publish(clients: ["node-hcm": ["node-hcm"]])
        let person = "/v1/records/population/\(try Self.personalID)"
        #expect(try await Self.ask(hcm, person).status == 200)

        // The federation's CRL, distributed in the next configuration version.
        let federationCRLs = network.authority.configuration.appendingPathComponent("crls")
        try FileManager.default.createDirectory(at: federationCRLs, withIntermediateDirectories: true)
        try Self.writeCRL(federationCRLs.appendingPathComponent("national.pem"), by: issuer, revoking: [province])
        try await network.publish(clients: ["node-hcm": ["node-hcm"]])
        let byFederationID = UUID().uuidString.lowercased()
        let byFederation = try await Self.ask(hcm, person, requestID: byFederationID)
        #expect(byFederation.status == 403)
        #expect(byFederation.problemCode == "federation.untrusted-node")
        #expect(try Self.audited(population, byFederationID).problemCode == "federation.untrusted-node")

        // Lifted there, revoked by the provider node's own CRL file: refused within its refresh.
        try FileManager.default.removeItem(at: federationCRLs.appendingPathComponent("national.pem"))
        try await network.publish(clients: ["node-hcm": ["node-hcm"]])
        #expect(try await Self.ask(hcm, person).status == 200)
        try Self.writeCRL(ownCRL, by: issuer, revoking: [province])
        var refused: (id: String, status: Int, code: String?) = ("", 0, nil)
        try await Poll.until(within: .seconds(15), every: .milliseconds(200)) {
            let id = UUID().uuidString.lowercased()
            let answer = try await Self.ask(hcm, person, requestID: id)
            refused = (id, answer.status, answer.problemCode)
            return answer.status != 200
        }
        #expect(refused.status == 401)
        #expect(refused.code == "trust.revoked-certificate")
        #expect(try Self.audited(population, refused.id).problemCode == "trust.revoked-certificate")
    }
}
