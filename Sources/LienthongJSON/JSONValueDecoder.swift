/// Decodes any `Decodable` type from a parsed ``JSONValue`` (operators' configuration, request bodies).
///
/// ```swift
/// let config = try JSONValueDecoder().decode(ServerConfig.self, from: try JSONValue.parse(bytes))
/// ```
/// Errors carry the failing location as a JSON Pointer in ``JSONError/pointer``, never the value.
public struct JSONValueDecoder: Sendable {
    /// Context handed to `init(from:)` implementations as `decoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// A decoder with empty `userInfo`.
    public init(userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.userInfo = userInfo
    }

    /// Decodes a value of `type` from `value`.
    /// - Throws: ``JSONError`` with code ``JSONError/Code/typeMismatch``, ``JSONError/Code/missingKey`` or
    ///   ``JSONError/Code/invalidValue`` and the pointer to the offending value.
    public func decode<T: Decodable>(_ type: T.Type = T.self, from value: JSONValue) throws(JSONError) -> T {
        let decoder = JSONValueDecoding(value: value, codingPath: [], userInfo: userInfo)
        do {
            return try decoder.decodeValue(T.self)
        } catch let error as JSONError {
            throw error
        } catch let error as DecodingError {
            throw JSONError(decodingError: error)
        } catch {
            // A custom `init(from:)` threw its own error; its text may hold values, so only name its type.
            throw JSONError(code: .invalidValue, detail: "\(T.self) rejected the value (\(Swift.type(of: error)))")
        }
    }
}

extension JSONError {
    /// Maps a `DecodingError` to a code and a pointer, keeping only the value-free debug description.
    init(decodingError error: DecodingError) {
        func pointer(_ path: [any CodingKey]) -> String {
            JSONPointer(tokens: path.map(\.stringValue)).description
        }
        switch error {
        case .typeMismatch(_, let context):
            self.init(code: .typeMismatch, detail: context.debugDescription, pointer: pointer(context.codingPath))
        case .valueNotFound(_, let context):
            self.init(code: .typeMismatch, detail: context.debugDescription, pointer: pointer(context.codingPath))
        case .keyNotFound(let key, let context):
            self.init(code: .missingKey, detail: "missing member '\(key.stringValue)'",
                      pointer: pointer(context.codingPath + [key]))
        case .dataCorrupted(let context):
            self.init(code: .invalidValue, detail: context.debugDescription, pointer: pointer(context.codingPath))
        @unknown default:
            self.init(code: .invalidValue, detail: "decoding failed")
        }
    }
}

/// An array position as a coding key; its string value is the decimal index, as in a JSON Pointer.
struct JSONIndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { String(intValue ?? 0) }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) {
        guard let index = Int(stringValue) else { return nil }
        self.intValue = index
    }
}

/// A string coding key for `superDecoder()` and similar.
struct JSONStringKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// The `Decoder` for one ``JSONValue`` at one coding path.
struct JSONValueDecoding: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    let sendableUserInfo: [CodingUserInfoKey: any Sendable]

    init(value: JSONValue, codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: any Sendable]) {
        self.value = value
        self.codingPath = codingPath
        self.sendableUserInfo = userInfo
    }

    var userInfo: [CodingUserInfoKey: Any] { sendableUserInfo }

    func child(_ value: JSONValue, key: any CodingKey) -> JSONValueDecoding {
        JSONValueDecoding(value: value, codingPath: codingPath + [key], userInfo: sendableUserInfo)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw mismatch(JSONObject.self, expected: "an object") }
        return KeyedDecodingContainer(KeyedContainer<Key>(members: members, decoder: self))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch([JSONValue].self, expected: "an array") }
        return UnkeyedContainer(elements: elements, decoder: self)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValueContainer(decoder: self) }

    /// Decodes `T`, handing out the raw value when `T` is ``JSONValue`` (free-form configuration sections).
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == JSONValue.self, let raw = value as? T { return raw }
        return try T(from: self)
    }

    // MARK: Scalars

    func decodeBool() throws -> Bool {
        guard case .bool(let flag) = value else { throw mismatch(Bool.self, expected: "a boolean") }
        return flag
    }

    func decodeString() throws -> String {
        guard case .string(let text) = value else { throw mismatch(String.self, expected: "a string") }
        return text
    }

    func decodeDouble() throws -> Double {
        guard case .number(let number) = value else { throw mismatch(Double.self, expected: "a number") }
        return number.double
    }

    func decodeFloat() throws -> Float {
        guard case .number(let number) = value else { throw mismatch(Float.self, expected: "a number") }
        let result = Float(number.literal) ?? Float(number.double)
        guard result.isFinite else { throw corrupted("number does not fit Float") }
        return result
    }

    func decodeInteger<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard case .number(let number) = value else { throw mismatch(T.self, expected: "an integer") }
        if let exact = T(number.literal, radix: 10) { return exact }
        // Literals like `1e3` or `2.0`: accept only when the double is exact (below 2^53).
        if number.double.magnitude < 9_007_199_254_740_992, let exact = T(exactly: number.double) { return exact }
        throw corrupted("number is not an integer that fits \(T.self)")
    }

    func mismatch(_ type: Any.Type, expected: String) -> DecodingError {
        DecodingError.typeMismatch(
            type, .init(codingPath: codingPath, debugDescription: "expected \(expected), found \(value.kindName)"))
    }

    func corrupted(_ description: String) -> DecodingError {
        DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: description))
    }
}

extension JSONValue {
    /// The JSON type name, for error messages that must not quote values.
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let members: JSONObject
    let decoder: JSONValueDecoding

    var codingPath: [any CodingKey] { decoder.codingPath }
    var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

    private func child(_ key: some CodingKey) throws -> JSONValueDecoding {
        guard let value = members[key.stringValue] else {
            throw DecodingError.keyNotFound(
                key, .init(codingPath: codingPath, debugDescription: "missing member '\(key.stringValue)'"))
        }
        return decoder.child(value, key: key)
    }

    func decodeNil(forKey key: Key) throws -> Bool { try child(key).value.isNull }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try child(key).decodeValue(T.self) }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try child(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try child(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { try child(JSONStringKey(stringValue: "super")) }
    func superDecoder(forKey key: Key) throws -> any Decoder { try child(key) }
}

private struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let decoder: JSONValueDecoding
    private(set) var currentIndex = 0

    init(elements: [JSONValue], decoder: JSONValueDecoding) {
        self.elements = elements
        self.decoder = decoder
    }

    var codingPath: [any CodingKey] { decoder.codingPath }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func next() throws -> JSONValueDecoding {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                JSONValue.self,
                .init(codingPath: codingPath + [JSONIndexKey(intValue: currentIndex)],
                      debugDescription: "array has only \(elements.count) elements"))
        }
        defer { currentIndex += 1 }
        return decoder.child(elements[currentIndex], key: JSONIndexKey(intValue: currentIndex))
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex].isNull else {
            if isAtEnd { _ = try next() }
            return false
        }
        currentIndex += 1
        return true
    }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(T.self) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }

    mutating func superDecoder() throws -> any Decoder { try next() }
}

private struct SingleValueContainer: SingleValueDecodingContainer {
    let decoder: JSONValueDecoding

    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.value.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.decodeBool() }
    func decode(_ type: String.Type) throws -> String { try decoder.decodeString() }
    func decode(_ type: Double.Type) throws -> Double { try decoder.decodeDouble() }
    func decode(_ type: Float.Type) throws -> Float { try decoder.decodeFloat() }
    func decode(_ type: Int.Type) throws -> Int { try decoder.decodeInteger(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.decodeInteger(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.decodeInteger(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.decodeInteger(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decoder.decodeInteger(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decoder.decodeInteger(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decoder.decodeInteger(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(T.self) }
}
