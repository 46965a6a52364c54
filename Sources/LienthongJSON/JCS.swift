/// The JSON Canonicalization Scheme (RFC 8785): the exact bytes Lienthong signs.
///
/// ```swift
/// let bytes = try JCS.canonicalize(message)  // signing input is protected || "." || bytes
/// ```
public enum JCS {
    /// The canonical UTF-8 bytes of a value: keys sorted by UTF-16 code units at every level, RFC 8785
    /// string escaping, numbers in ECMAScript `Number.prototype.toString` form.
    /// - Parameter value: The value to canonicalise.
    /// - Returns: The canonical bytes.
    /// - Throws: ``JSONError/Code/notFinite`` if a number is NaN or infinite.
    public static func canonicalize(_ value: JSONValue) throws(JSONError) -> [UInt8] {
        var writer = JSONWriter(mode: .canonical)
        try writer.write(value)
        return writer.output
    }

    /// Appends the canonical bytes of `value` to `output`: for a document written member by member into one
    /// buffer, such as an exchange message.
    /// - Throws: ``JSONError/Code/notFinite`` if a number is NaN or infinite (`output` then holds a partial value).
    public static func append(_ value: JSONValue, to output: inout [UInt8]) throws(JSONError) {
        var writer = JSONWriter(mode: .canonical)
        swap(&writer.output, &output)
        defer { swap(&writer.output, &output) }
        try writer.write(value)
    }

    /// The canonical form of one number, e.g. `1e+21`, `0.000001`, `1e-7`; `-0` gives `0`.
    /// - Throws: ``JSONError/Code/notFinite`` for NaN and infinities.
    public static func numberString(_ value: Double) throws(JSONError) -> String {
        guard value.isFinite else {
            throw JSONError(code: .notFinite, detail: "NaN and infinity have no canonical JSON form")
        }
        return ECMAScriptNumberFormat.string(for: value)
    }
}
