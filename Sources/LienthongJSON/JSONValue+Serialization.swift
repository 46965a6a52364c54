extension JSONValue {
    /// The value as UTF-8 JSON text, object keys sorted by UTF-16 code units, minimal escaping.
    ///
    /// Numbers are written from their literal when it is already in normal form (so big integers keep every
    /// digit), otherwise in ECMAScript form from the double; NaN and infinities become `null`.
    /// - Parameter pretty: Two-space indentation and one member per line.
    /// - Returns: The JSON text.
    public func serializedBytes(pretty: Bool = false) -> [UInt8] {
        var writer = JSONWriter(mode: .plain(pretty: pretty))
        do {
            try writer.write(self)
        } catch {
            // Only canonical mode throws; plain mode writes `null` for non-finite numbers instead.
            assertionFailure("plain JSON serialisation threw \(error)")
        }
        return writer.output
    }

    /// The value as JSON text; see ``serializedBytes(pretty:)``.
    public func serializedString(pretty: Bool = false) -> String {
        String(decoding: serializedBytes(pretty: pretty), as: UTF8.self)
    }

    /// Appends `text` as a JSON string (quoted, minimal escaping as ``serializedBytes(pretty:)`` writes it) to
    /// `output`: for lines written field by field, such as the operator log's.
    public static func appendString(_ text: String, to output: inout [UInt8]) {
        JSONWriter.appendString(text, to: &output)
    }
}
