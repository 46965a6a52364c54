import Foundation
import LienthongTrust

extension ConfigurationCheck {
    /// node.json `revocation`: every CRL file is there and is a PEM CRL (a development PKI makes none).
    mutating func checkRevocation() {
        for (index, crl) in (node["revocation"]?["crls"]?.arrayValue ?? []).enumerated() {
            guard let path = crl.stringValue, !path.isEmpty else { continue }
            let pointer = "/revocation/crls/\(index)"
            guard Self.exists(dataPath(path)) else {
                checkDataFile("node.json", pointer, path)
                continue
            }
            do {
                _ = try CertificateRevocationList.load(from: dataPath(path))
            } catch {
                report("node.json", pointer, error.description)
            }
        }
    }
}
