import Foundation  // percent-encoding
import LienthongCore

/// Configuration of a ``RESTConnector``.
///
/// ```json
/// { "kind": "rest",
///   "urlTemplate": "http://127.0.0.1:{port}/api/v1/thua-dat/{communeCode}/{mapSheet}/{parcelNumber}",
///   "keyParts": ["communeCode", "mapSheet", "parcelNumber"], "keySeparator": "-",
///   "timeoutMs": 3000, "notFound": [404], "headers": { "Accept": "application/json" } }
/// ```
/// The key is split on `keySeparator` into `keyParts`; each `{name}` of the template is replaced by that part
/// (percent-encoded) or by a runtime variable the gateway supplies (e.g. `port` of the demo land API).
public struct RESTConnectorConfiguration: Sendable, Equatable, Decodable {
    /// The URL with `{name}` placeholders.
    public var urlTemplate: String
    /// Names of the key's parts, in order.
    public var keyParts: [String]
    /// The separator between key parts.
    public var keySeparator: String
    /// The request timeout, in milliseconds.
    public var timeoutMs: Int
    /// HTTP statuses that mean "no such record".
    public var notFound: [Int]
    /// Extra request headers.
    public var headers: [String: String]
    /// Search URL templates by search name; placeholders are search parameters, `limit` and runtime variables.
    /// The answer is a JSON array of native objects.
    public var search: [String: String]
    /// Where the registry serves each key's document (see ``RESTDocumentConfiguration``); `nil` when it serves none.
    public var document: RESTDocumentConfiguration?

    /// Creates a configuration.
    public init(
        urlTemplate: String,
        keyParts: [String],
        keySeparator: String = "-",
        timeoutMs: Int = 3_000,
        notFound: [Int] = [404],
        headers: [String: String] = [:],
        search: [String: String] = [:],
        document: RESTDocumentConfiguration? = nil
    ) {
        self.search = search
        self.document = document
        self.urlTemplate = urlTemplate
        self.keyParts = keyParts
        self.keySeparator = keySeparator
        self.timeoutMs = timeoutMs
        self.notFound = notFound
        self.headers = headers
    }

    private enum CodingKeys: String, CodingKey {
        case urlTemplate, keyParts, keySeparator, timeoutMs, notFound, headers, search, document
    }

    /// Decodes the configuration with the defaults of
    /// ``init(urlTemplate:keyParts:keySeparator:timeoutMs:notFound:headers:search:document:)``.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            urlTemplate: try container.decode(String.self, forKey: .urlTemplate),
            keyParts: try container.decode([String].self, forKey: .keyParts),
            keySeparator: try container.decodeIfPresent(String.self, forKey: .keySeparator) ?? "-",
            timeoutMs: try container.decodeIfPresent(Int.self, forKey: .timeoutMs) ?? 3_000,
            notFound: try container.decodeIfPresent([Int].self, forKey: .notFound) ?? [404],
            headers: try container.decodeIfPresent([String: String].self, forKey: .headers) ?? [:],
            search: try container.decodeIfPresent([String: String].self, forKey: .search) ?? [:],
            document: try container.decodeIfPresent(RESTDocumentConfiguration.self, forKey: .document)
        )
    }

    /// The URL for `key` from `template` (the lookup's ``urlTemplate`` by default), or `nil` when the key does not
    /// have one part per name or a placeholder has no value.
    public func url(for key: String, variables: [String: String] = [:], template: String? = nil) -> String? {
        let parts = key.components(separatedBy: keySeparator)
        guard parts.count == keyParts.count else { return nil }
        var values = variables
        for (name, part) in zip(keyParts, parts) { values[name] = Self.encode(part) }
        return Self.fill(template ?? urlTemplate, values: values)
    }

    /// What a path segment or query value keeps unencoded: built once, as building it costs more than encoding.
    private static let segmentAllowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?&=+#"))

    /// `value` percent-encoded for one path segment or query value.
    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: segmentAllowed) ?? ""
    }

    /// `template` with each `{name}` replaced; `nil` when a placeholder has no value.
    static func fill(_ template: String, values: [String: String]) -> String? {
        try? PlaceholderTemplate.fill(template) { values[$0] }.get()
    }
}
