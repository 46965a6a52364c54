import Foundation
import LienthongJSON
import Testing

/// node.json `federation`: the anchor must be a usable certificate file, the authority HTTPS, the CA file there.
extension ConfigurationCheckTests {
    /// node.json `federation` with `anchor` and `authorityCAFile` (paths or files in the configuration directory).
    static func federationProblems(
        url: String = "https://127.0.0.1:9443/v1/federation/configuration", anchor: (URL) -> String,
        authorityCAFile: String? = nil
    ) async throws -> [String] {
        try await problems { directory in
            try editNode(directory) { node in
                var section: JSONObject = [
                    "authorityURL": .string(url), "anchor": .string(anchor(directory)),
                ]
                if let authorityCAFile { section["authorityCAFile"] = .string(authorityCAFile) }
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
}
