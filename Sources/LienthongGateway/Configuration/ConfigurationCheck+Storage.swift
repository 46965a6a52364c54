import Foundation
import LienthongJSON
import LienthongStorage

extension ConfigurationCheck {
    /// node.json `storage` (its shape is `config.v1`'s): a PostgreSQL store's placeholders have values in the
    /// environment, and nothing is asked of it that only the embedded store does.
    mutating func checkStorage() {
        guard node["storage"]?["kind"]?.stringValue == NodeConfiguration.Storage.Kind.postgres.rawValue else { return }
        for member in ["url", "node"] {
            guard let text = node["storage"]?[member]?.stringValue else { continue }
            // The value itself is never echoed: a URL may hold a password beside its placeholders.
            if let name = PostgresConninfo.missingPlaceholder(in: text) {
                report("node.json", "/storage/\(member)", "placeholder {\(name)} has no value in the environment")
            }
        }
        if node["audit"]?["timestampAuthority"] != nil {
            report(
                "node.json", "/audit/timestampAuthority",
                "checkpoint time stamps are kept only by the sqlite storage for now")
        }
    }
}
