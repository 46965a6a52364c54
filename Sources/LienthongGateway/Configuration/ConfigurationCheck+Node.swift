import Foundation
import LienthongJSON

extension ConfigurationCheck {
    /// node.json: addresses that parse, the audit rule, and the files and directories it names.
    mutating func checkNode() {
        guard documents["node.json"] != nil else { return }
        for member in ["listen", "demoAgencyAPI"] {
            guard let text = node[member]?.stringValue else { continue }
            do {
                _ = try ListenAddress.parse(text, pointer: "/\(member)")
            } catch {
                problems.append(error)
            }
        }
        if node["audit"]?["enabled"] == .bool(false), !developmentPKI {
            report(
                "node.json", "/audit/enabled",
                "the audit log may be turned off only on a development node (benchmarks)")
        }
        checkStorage()
        if let seeds = node["seeds"]?.stringValue, !Self.exists(configPath(seeds), directory: true) {
            report("node.json", "/seeds", "directory \(configPath(seeds).path) does not exist")
        }
        // A development node creates its PKI and token files on first start; any other node must have them.
        guard !developmentPKI else { return }
        var files: [(pointer: String, path: String)] = []
        for (index, anchor) in (node["trustAnchors"]?.arrayValue ?? []).enumerated() {
            files.append(("/trustAnchors/\(index)", anchor.stringValue ?? ""))
        }
        for (index, token) in (node["operatorTokenFiles"]?.arrayValue ?? []).enumerated() {
            files.append(("/operatorTokenFiles/\(index)", token.stringValue ?? ""))
        }
        for member in ["certificate", "privateKey"] {
            if let path = node["tls"]?[member]?.stringValue { files.append(("/tls/\(member)", path)) }
        }
        for (index, authority) in (node["tls"]?["clientCertificateAuthorities"]?.arrayValue ?? []).enumerated() {
            files.append(("/tls/clientCertificateAuthorities/\(index)", authority.stringValue ?? ""))
        }
        for (provider, credential) in (node["signing"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let escaped = JSONPointer(tokens: ["signing", provider]).description
            for member in ["certificate", "privateKey"] {
                if let path = credential[member]?.stringValue { files.append(("\(escaped)/\(member)", path)) }
            }
        }
        for (pointer, path) in files where !path.isEmpty {
            checkDataFile("node.json", pointer, path)
        }
    }

    /// Reports a file of the data directory that is not there.
    mutating func checkDataFile(_ file: String, _ pointer: String, _ path: String) {
        let url = dataPath(path)
        if !Self.exists(url) {
            report(file, pointer, "\(url.path) does not exist (relative to the data directory \(dataDirectory.path))")
        }
    }
}
