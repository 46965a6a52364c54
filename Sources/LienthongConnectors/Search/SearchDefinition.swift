public import LienthongJSON
import Foundation  // NFC

/// One search a registry offers over its canonical records, from the registry configuration's `search` list.
///
/// ```json
/// "search": [ { "name": "fullNameAndDateOfBirth",
///               "match": { "fullName": "folded", "dateOfBirth": "exact" }, "maxCandidates": 1000 } ]
/// ```
/// The connector's search of the same name (an SQL query with named parameters, a REST URL template) returns
/// candidates; each is mapped, and kept when every canonical member named in `match` matches its parameter.
/// A search is chosen by its parameter names: criteria `{fullName, dateOfBirth}` use the search above.
public struct SearchDefinition: Sendable, Equatable, Decodable {
    /// How a canonical member is compared with its parameter.
    public enum Match: String, Sendable, Equatable, Decodable {
        /// Equal after NFC; numbers compare by value.
        case exact
        /// Equal after NFC and `lowercased()` (Vietnamese letters included: `Đ` matches `đ`).
        case folded
        /// The member starts with the parameter, both NFC and lowercased.
        case prefix
    }

    /// The name, shared with the connector's search query.
    public var name: String
    /// Canonical top-level member to comparison; the keys are the search's parameters.
    public var match: [String: Match]
    /// The most candidates the connector may return; a search that would need more is too broad.
    public var maxCandidates: Int

    /// Creates a definition.
    public init(name: String, match: [String: Match], maxCandidates: Int = 1_000) {
        self.name = name
        self.match = match
        self.maxCandidates = maxCandidates
    }

    private enum CodingKeys: String, CodingKey { case name, match, maxCandidates }

    /// Decodes a definition; `maxCandidates` defaults to 1000.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let match = try container.decode([String: Match].self, forKey: .match)
        guard !match.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .match, in: container, debugDescription: "no members")
        }
        let maxCandidates = try container.decodeIfPresent(Int.self, forKey: .maxCandidates) ?? 1_000
        guard maxCandidates >= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .maxCandidates, in: container, debugDescription: "at least 1")
        }
        self.init(name: try container.decode(String.self, forKey: .name), match: match, maxCandidates: maxCandidates)
    }

    /// Whether the canonical `record` matches every parameter of `criteria`.
    public func matches(_ record: JSONValue, criteria: SearchCriteria) -> Bool {
        match.allSatisfy { member, mode in
            guard let wanted = criteria.parameters[member], let value = record[member] else { return false }
            return Self.compare(value, wanted, mode)
        }
    }

    private static func compare(_ value: JSONValue, _ wanted: String, _ mode: Match) -> Bool {
        switch value {
        case .number(let number):
            guard let wantedNumber = Double(wanted) else { return false }
            return mode != .prefix && number.double == wantedNumber
        case .string(let text):
            let text = ValueTransform.nfc(text)
            switch mode {
            case .exact: return text == wanted
            case .folded: return text.lowercased() == wanted.lowercased()
            case .prefix: return text.lowercased().hasPrefix(wanted.lowercased())
            }
        default:
            return false
        }
    }
}
