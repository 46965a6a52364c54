/// Text with `{name}` placeholders, as configuration holds URL templates and connection strings: filled in one pass,
/// each value inserted as it is and not scanned for placeholders itself.
public enum PlaceholderTemplate {
    /// The first placeholder that had no value.
    public struct Missing: Error, Equatable, Sendable {
        /// Its name, without the braces.
        public let name: String
    }

    /// `template` with each `{name}` replaced by `value(name)`; the first placeholder without a value fails.
    /// A `{` with no `}` after it is kept as text.
    public static func fill(_ template: String, _ value: (String) -> String?) -> Result<String, Missing> {
        var filled = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let name = String(rest[rest.index(after: open)..<close])
            guard let value = value(name) else { return .failure(Missing(name: name)) }
            filled += rest[..<open]
            filled += value
            rest = rest[rest.index(after: close)...]
        }
        filled += rest
        return .success(filled)
    }
}
