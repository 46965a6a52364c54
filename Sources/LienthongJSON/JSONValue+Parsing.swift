extension JSONValue {
    /// Parses UTF-8 JSON text strictly (RFC 8259 and I-JSON, RFC 7493).
    ///
    /// Rejects trailing characters, leading zeros, invalid escapes and UTF-8, unpaired surrogates, control
    /// characters in strings and duplicate object keys; numbers keep their literal.
    /// ```swift
    /// let value = try JSONValue.parse(Array(#"{"a":[1,2]}"#.utf8))
    /// ```
    /// - Parameters:
    ///   - bytes: The JSON text as UTF-8 bytes.
    ///   - limits: Depth and size bounds for untrusted input.
    /// - Returns: The parsed value.
    public static func parse(_ bytes: some Collection<UInt8>, limits: JSONLimits = .init()) throws(JSONError)
        -> JSONValue
    {
        // Check the size before copying a non-contiguous collection.
        guard bytes.count <= limits.maxBytes else {
            throw JSONError(code: .sizeLimit, detail: "input exceeds \(limits.maxBytes) bytes")
        }
        let result: Result<JSONValue, JSONError>? = bytes.withContiguousStorageIfAvailable { buffer in
            parse(buffer: buffer, limits: limits)
        }
        if let result { return try result.get() }
        return try Array(bytes).withUnsafeBufferPointer { buffer in parse(buffer: buffer, limits: limits) }.get()
    }

    /// Parses JSON text given as a `String`; see ``parse(_:limits:)-(Collection<UInt8>,_)``.
    public static func parse(_ string: String, limits: JSONLimits = .init()) throws(JSONError) -> JSONValue {
        var string = string
        return try string.withUTF8 { buffer in parse(buffer: buffer, limits: limits) }.get()
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>, limits: JSONLimits) -> Result<JSONValue, JSONError> {
        var parser = JSONParser(bytes: buffer, limits: limits)
        do throws(JSONError) {
            return .success(try parser.parseDocument())
        } catch {
            return .failure(error)
        }
    }
}
