import LienthongJSON

/// Configuration as a viewer may read it: passwords, secrets, API keys and authorization values replaced, and the
/// password of any URL's user information hidden.
enum ConfigurationRedaction {
    static let placeholder: JSONValue = "[redacted]"

    /// `value` with every secret member replaced.
    static func redact(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var redacted: JSONObject = [:]
            for (key, member) in members {
                redacted[key] = isSecret(key) && member.stringValue != nil ? placeholder : redact(member)
            }
            return .object(redacted)
        case .array(let elements):
            return .array(elements.map(redact))
        case .string(let text):
            return .string(hidingPassword(in: text))
        default:
            return value
        }
    }

    /// Whether a member name holds a secret. Paths to key and token files (`privateKey`, `tokenFiles`) stay: they
    /// name a file, not its content.
    static func isSecret(_ key: String) -> Bool {
        let name = key.lowercased()
        return ["password", "secret", "apikey", "api-key", "authorization", "credential"].contains { name.contains($0) }
            || name == "token" || name.hasSuffix("token")
    }

    /// `scheme://user:password@host` as `scheme://user:***@host`, and `password=…` of a libpq connection string as
    /// `password=***`; other text unchanged.
    static func hidingPassword(in text: String) -> String {
        if let key = text.range(of: "password=") {
            let end = text[key.upperBound...].firstIndex(of: " ") ?? text.endIndex
            return String(text[..<key.upperBound]) + "***" + String(text[end...])
        }
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") else {
            return text
        }
        let userInfo = text[scheme.upperBound..<at]
        guard !userInfo.contains("/"), let colon = userInfo.firstIndex(of: ":") else { return text }
        return String(text[..<text.index(after: colon)]) + "***" + String(text[at...])
    }
}
