import Foundation
import LienthongJSON

extension ConfigurationCheck {
    /// node.json `admin`: an address that parses and is not the sharing API's, operators with unique names and at
    /// least one credential each, and the files they name.
    mutating func checkAdmin() {
        guard let admin = node["admin"] else { return }
        if let text = admin["listen"]?.stringValue {
            do {
                _ = try ListenAddress.parse(text, pointer: "/admin/listen")
                if text == node["listen"]?.stringValue, !text.hasSuffix(":0") {
                    report("node.json", "/admin/listen", "is the sharing API's address too (listen)")
                }
            } catch {
                problems.append(error)
            }
        }
        var names: Set<String> = []
        for (index, account) in (admin["operators"]?.arrayValue ?? []).enumerated() {
            let pointer = "/admin/operators/\(index)"
            if let name = account["name"]?.stringValue, !names.insert(name).inserted {
                report("node.json", pointer + "/name", "operator \(name) is listed twice")
            }
            let credentials = ["tokenSHA256", "tokenFiles", "certificateSubjects"].reduce(0) {
                $0 + (account[$1]?.arrayValue?.count ?? 0)
            }
            if credentials == 0 {
                report("node.json", pointer, "has no credential (tokenSHA256, tokenFiles or certificateSubjects)")
            }
            // A development node creates missing token files; any other node must have them.
            guard !developmentPKI else { continue }
            for (file, path) in (account["tokenFiles"]?.arrayValue ?? []).enumerated() {
                if let path = path.stringValue { checkDataFile("node.json", pointer + "/tokenFiles/\(file)", path) }
            }
        }
        guard !developmentPKI, let tls = admin["tls"] else { return }
        for member in ["certificate", "privateKey"] {
            if let path = tls[member]?.stringValue { checkDataFile("node.json", "/admin/tls/\(member)", path) }
        }
    }
}
