import Foundation
import LienthongJSON
import Testing

/// node.json `federation`: the anchor must be a usable certificate file, the authority HTTPS, the CA file there.
extension ConfigurationCheckTests {
    /// node.json `federation` with `anchor` and `authorityCAFile` (paths or files in the configuration directory).
    static func federationProblems(
        url: String = "https://127.0.0.1:9443/v1/federation/configuration", anchor: (URL) -> String,
        authorityCAFile: String? = nil, peer: JSONObject = [:]
    ) async throws -> [String] {
        try await problems { directory in
            try editNode(directory) { node in
                var section: JSONObject = [
                    "authorityURL": .string(url), "anchor": .string(anchor(directory)),
                ]
                if let authorityCAFile { section["authorityCAFile"] = .string(authorityCAFile) }
                section.merge(peer) { _, added in added }
                node["federation"] = .object(section)
            }
        }
    }

    @Test func federationAnchorThatIsMissingOrNoCertificateIsAnError() async throws {
        let missing = try await Self.federationProblems(anchor: { _ in "federation/anchor.pem" })
        #expect(missing.count == 1)
        #expect(missing.first?.hasPrefix("node.json#/federation/anchor: ") == true)
        #expect(missing.first?.contains("anchor.pem does not exist") == true)

        let notACertificate = try await Self.federationProblems(
            anchor: { $0.appendingPathComponent("node.json").path }, authorityCAFile: "missing-ca.pem")
        #expect(notACertificate.count == 2, "\(notACertificate)")
        #expect(notACertificate.first?.hasPrefix("node.json#/federation/anchor: federation.anchor-unusable") == true)
        #expect(notACertificate.last?.hasPrefix("node.json#/federation/authorityCAFile: ") == true)
    }

    @Test func federationAuthorityOverPlainHTTPIsAnError() async throws {
        let problems = try await Self.federationProblems(
            url: "http://127.0.0.1:9443/v1/federation/configuration",
            anchor: { _ in GatewayProcess.root.appendingPathComponent("config/demo/node.json").path })
        #expect(problems.contains { $0.hasPrefix("node.json#/federation/authorityURL: ") }, "\(problems)")
    }

    @Test func federationPeerFilesMustBeThereAndTheCertificateComesWithItsKey() async throws {
        let anchor: (URL) -> String = { _ in GatewayProcess.root.appendingPathComponent("config/demo/node.json").path }
        let alone = try await Self.federationProblems(
            anchor: anchor, peer: ["peerCertificate": .string(anchor(GatewayProcess.root))])
        #expect(alone.contains { $0.hasPrefix("node.json#/federation: name both peerCertificate and peerPrivateKey") },
            "\(alone)")
        let missing = try await Self.federationProblems(
            anchor: anchor,
            peer: ["peerCertificate": "peer.crt.pem", "peerPrivateKey": "peer.key.pem", "peerCAFile": "ca.pem"])
        for member in ["peerCertificate", "peerPrivateKey", "peerCAFile"] {
            #expect(missing.contains { $0.hasPrefix("node.json#/federation/\(member): ") }, "\(missing)")
        }
        let zero = try await Self.federationProblems(anchor: anchor, peer: ["peerTimeoutSeconds": 0])
        #expect(zero.contains { $0.contains("/federation/peerTimeoutSeconds") }, "\(zero)")
    }
}
