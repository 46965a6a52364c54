extension HTTPRequest {
    /// The fields of an `application/x-www-form-urlencoded` body (an HTML form's POST), decoded in order; empty for
    /// another content type.
    public var formItems: [(name: String, value: String)] {
        let type = headers["Content-Type"]?.split(separator: ";").first.map(Self.trimmed)
        guard type?.lowercased() == "application/x-www-form-urlencoded" else { return [] }
        return PercentDecoding.pairs(Substring(decoding: body, as: UTF8.self))
    }

    /// The first decoded value of the form field `name`, or `nil`.
    public func formValue(_ name: String) -> String? {
        formItems.first { $0.name == name }?.value
    }

    /// The value of the cookie `name` in the `Cookie` header fields (RFC 6265 section 5.4), or `nil`.
    public func cookie(_ name: String) -> String? {
        for field in headers.values(for: "Cookie") {
            for pair in field.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, Self.trimmed(parts[0]) == name else { continue }
                return Self.trimmed(parts[1])
            }
        }
        return nil
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
