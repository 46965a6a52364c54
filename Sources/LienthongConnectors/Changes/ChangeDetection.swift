import LienthongJSON

/// How a registry's connector finds changed records (`events.detection` of a registry file).
///
/// ```json
/// { "kind": "change-table", "table": "thay_doi", "sequenceColumn": "ma_thay_doi", "keyColumn": "so_dinh_danh" }
/// { "kind": "updated-at", "table": "doanh_nghiep", "column": "cap_nhat_luc", "keyColumn": "ma_so_doanh_nghiep" }
/// { "kind": "reload" }
/// { "kind": "feed", "url": "http://127.0.0.1:{port}/api/v1/thay-doi" }
/// ```
/// Table and column names are SQL identifiers (letters, digits, `_`), never interpolated otherwise.
public enum ChangeDetection: Sendable, Equatable {
    /// A table the agency's database appends a row to for every change: an increasing sequence and the key.
    case changeTable(table: String, sequenceColumn: String, keyColumn: String)
    /// A column of the registry's table that every write sets to the time of the write.
    case updatedAt(table: String, column: String, keyColumn: String)
    /// A file read again when it changes (CSV): the changes are the diff with the previous version.
    case reload
    /// A feed URL of the agency's API (REST), polled: `GET <url>?after=<cursor>&limit=<n>` answers
    /// `{"changes": [{"key": …, "cursor": …}], "head": …}`.
    case feed(url: String)

    /// The `kind` member.
    public var kind: String {
        switch self {
        case .changeTable: "change-table"
        case .updatedAt: "updated-at"
        case .reload: "reload"
        case .feed: "feed"
        }
    }

    /// Reads `events.detection`.
    /// - Throws: a rule (without values) when a member is missing or not an identifier.
    init(document: JSONValue) throws(ChangeRuleError) {
        func identifier(_ name: String) throws(ChangeRuleError) -> String {
            guard let text = document[name]?.stringValue else { throw ChangeRuleError("detection.\(name) is missing") }
            guard Self.isIdentifier(text) else {
                throw ChangeRuleError("detection.\(name) is not an SQL identifier (letters, digits, _)")
            }
            return text
        }
        switch document["kind"]?.stringValue {
        case "change-table":
            self = .changeTable(
                table: try identifier("table"), sequenceColumn: try identifier("sequenceColumn"),
                keyColumn: try identifier("keyColumn"))
        case "updated-at":
            self = .updatedAt(
                table: try identifier("table"), column: try identifier("column"), keyColumn: try identifier("keyColumn"))
        case "reload": self = .reload
        case "feed":
            guard let url = document["url"]?.stringValue, url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw ChangeRuleError("detection.url is missing or not an http(s) URL")
            }
            self = .feed(url: url)
        case let kind: throw ChangeRuleError("detection kind '\(kind ?? "")' is unknown")
        }
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return text.utf8.allSatisfy {
            ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
                || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_")
        }
    }
}

/// A broken rule of a registry's `events` member; becomes `connector-configuration` naming it.
struct ChangeRuleError: Error {
    let rule: String
    init(_ rule: String) { self.rule = rule }
}
