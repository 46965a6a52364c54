import Foundation
import LienthongFederation

extension ConfigurationCheck {
    /// node.json `federation`: the configuration anchor is there and holds a usable certificate chain, the
    /// authority's TLS CA file and the peer TLS files are there (certificate and key together), and the schema
    /// directory has `global-configuration.v1`.
    mutating func checkFederation() {
        guard let federation = node["federation"], federation.objectValue != nil else { return }
        if let anchor = federation["anchor"]?.stringValue, !anchor.isEmpty {
            if Self.exists(dataPath(anchor)) {
                do {
                    _ = try ConfigurationAnchor.load(from: dataPath(anchor))
                } catch {
                    report("node.json", "/federation/anchor", error.description)
                }
            } else {
                checkDataFile("node.json", "/federation/anchor", anchor)
            }
        }
        if let file = federation["authorityCAFile"]?.stringValue, !file.isEmpty {
            checkDataFile("node.json", "/federation/authorityCAFile", file)
        }
        for member in ["peerCertificate", "peerPrivateKey", "peerCAFile"] {
            if let file = federation[member]?.stringValue, !file.isEmpty {
                checkDataFile("node.json", "/federation/\(member)", file)
            }
        }
        if (federation["peerCertificate"] == nil) != (federation["peerPrivateKey"] == nil) {
            report("node.json", "/federation", "name both peerCertificate and peerPrivateKey, or neither")
        }
        if let catalog, catalog.compiled(SignedGlobalConfiguration.schemaID) == nil {
            report(
                "node.json", "/schemas",
                "schema \(SignedGlobalConfiguration.schemaID) is not in the schemas directory (needed by federation)")
        }
    }
}
