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

    /// One line of JSON text for an object whose members keep the given order (not sorted), as log lines want
    /// `time` and `level` first; values are written as ``serializedBytes(pretty:)`` writes them.
    public static func serializedObject(orderedMembers members: [(key: String, value: JSONValue)]) -> [UInt8] {
        var writer = JSONWriter(mode: .plain(pretty: false))
        do {
            try writer.writeObject(orderedMembers: members)
        } catch {
            assertionFailure("plain JSON serialisation threw \(error)")
        }
        return writer.output
    }
}
