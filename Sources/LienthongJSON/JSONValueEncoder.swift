/// Encodes any `Encodable` type into a ``JSONValue`` (envelopes, records, problem documents).
///
/// ```swift
/// let bytes = try JCS.canonicalize(try JSONValueEncoder().encode(message))
/// ```
public struct JSONValueEncoder: Sendable {
    /// Context handed to `encode(to:)` implementations as `encoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// An encoder with empty `userInfo`.
    public init(userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.userInfo = userInfo
    }

    /// Encodes `value`; a type that encodes nothing becomes an empty object.
    /// - Throws: ``JSONError/Code/encoding`` (e.g. for NaN or infinity) with the pointer to the value.
    public func encode(_ value: some Encodable) throws(JSONError) -> JSONValue {
        let node = EncodingNode()
        do {
            try JSONValueEncoding(node: node, codingPath: [], userInfo: userInfo).encodeValue(value)
        } catch let error as EncodingError {
            guard case .invalidValue(_, let context) = error else {
                throw JSONError(code: .encoding, detail: "encoding failed")
            }
            throw JSONError(code: .encoding, detail: context.debugDescription,
                            pointer: JSONPointer(tokens: context.codingPath.map(\.stringValue)).description)
        } catch {
            // A custom `encode(to:)` threw its own error; its text may hold values, so only name its type.
            throw JSONError(code: .encoding, detail: "encoding failed (\(Swift.type(of: error)))")
        }
        return node.resolved
    }
}

/// A mutable slot in the value being built; containers share it by reference, as `Encoder` requires.
final class EncodingNode {
    enum Content {
        case empty
        case value(JSONValue)
        case object([JSONKey: EncodingNode])
        case array([EncodingNode])
    }

    var content = Content.empty

    var resolved: JSONValue {
        switch content {
        case .empty: .object([:])
        case .value(let value): value
        case .object(let members): .object(JSONObject(members.mapValues(\.resolved)))
        case .array(let elements): .array(elements.map(\.resolved))
        }
    }
}

/// The `Encoder` writing into one ``EncodingNode``.
struct JSONValueEncoding: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    let sendableUserInfo: [CodingUserInfoKey: any Sendable]

    init(node: EncodingNode, codingPath: [any CodingKey], userInfo: [CodingUserInfoKey: any Sendable]) {
        self.node = node
        self.codingPath = codingPath
        self.sendableUserInfo = userInfo
    }

    var userInfo: [CodingUserInfoKey: Any] { sendableUserInfo }

    func child(_ node: EncodingNode, key: any CodingKey) -> JSONValueEncoding {
        JSONValueEncoding(node: node, codingPath: codingPath + [key], userInfo: sendableUserInfo)
    }

    /// Encodes `value` into this node, storing a ``JSONValue`` as is so number literals survive.
    func encodeValue<T: Encodable>(_ value: T) throws {
        if let raw = value as? JSONValue {
            node.content = .value(raw)
        } else {
            try value.encode(to: self)
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .object = node.content {} else { node.content = .object([:]) }
        return KeyedEncodingContainer(KeyedContainer<Key>(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .array = node.content {} else { node.content = .array([]) }
        return UnkeyedContainer(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleValueContainer(encoder: self) }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let encoder: JSONValueEncoding
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func slot(_ key: some CodingKey) -> JSONValueEncoding {
        let child = EncodingNode()
        if case .object(var members) = encoder.node.content {
            encoder.node.content = .empty  // release the enum's copy so the insert does not copy the dictionary
            members[JSONKey(key.stringValue)] = child
            encoder.node.content = .object(members)
        }
        return encoder.child(child, key: key)
    }

    mutating func encodeNil(forKey key: Key) throws { slot(key).node.content = .value(.null) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try slot(key).encodeValue(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        slot(key).container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        slot(key).unkeyedContainer()
    }

    mutating func superEncoder() -> any Encoder { slot(JSONStringKey(stringValue: "super")) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { slot(key) }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let encoder: JSONValueEncoding
    var codingPath: [any CodingKey] { encoder.codingPath }
    var count: Int {
        if case .array(let elements) = encoder.node.content { elements.count } else { 0 }
    }

    private func slot() -> JSONValueEncoding {
        let child = EncodingNode()
        let index = count
        if case .array(var elements) = encoder.node.content {
            encoder.node.content = .empty  // release the enum's copy so the append does not copy the array
            elements.append(child)
            encoder.node.content = .array(elements)
        }
        return encoder.child(child, key: JSONIndexKey(intValue: index))
    }

    mutating func encodeNil() throws { slot().node.content = .value(.null) }
    mutating func encode<T: Encodable>(_ value: T) throws { try slot().encodeValue(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        slot().container(keyedBy: keyType)
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { slot().unkeyedContainer() }
    mutating func superEncoder() -> any Encoder { slot() }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let encoder: JSONValueEncoding
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func store(_ value: JSONValue) { encoder.node.content = .value(value) }

    private func storeInteger(_ value: some FixedWidthInteger) {
        store(.number(JSONNumber(literal: String(value), double: Double(value))))
    }

    private func storeFloatingPoint(_ value: Double, literal: String) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: codingPath, debugDescription: "NaN and infinity are not JSON numbers"))
        }
        store(.number(JSONNumber(literal: literal, double: value)))
    }

    mutating func encodeNil() throws { store(.null) }
    mutating func encode(_ value: Bool) throws { store(.bool(value)) }
    mutating func encode(_ value: String) throws { store(.string(value)) }
    mutating func encode(_ value: Double) throws {
        try storeFloatingPoint(value, literal: value.isFinite ? ECMAScriptNumberFormat.string(for: value) : "")
    }
    mutating func encode(_ value: Float) throws {
        // Through the float's own shortest digits, so 0.1 as Float stays 0.1 rather than 0.10000000149011612.
        let double = value.isFinite ? Double("\(value)") ?? Double(value) : Double(value)
        try storeFloatingPoint(double, literal: double.isFinite ? ECMAScriptNumberFormat.string(for: double) : "")
    }
    mutating func encode(_ value: Int) throws { storeInteger(value) }
    mutating func encode(_ value: Int8) throws { storeInteger(value) }
    mutating func encode(_ value: Int16) throws { storeInteger(value) }
    mutating func encode(_ value: Int32) throws { storeInteger(value) }
    mutating func encode(_ value: Int64) throws { storeInteger(value) }
    mutating func encode(_ value: UInt) throws { storeInteger(value) }
    mutating func encode(_ value: UInt8) throws { storeInteger(value) }
    mutating func encode(_ value: UInt16) throws { storeInteger(value) }
    mutating func encode(_ value: UInt32) throws { storeInteger(value) }
    mutating func encode(_ value: UInt64) throws { storeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try encoder.encodeValue(value) }
}
