/// The members of a JSON object, named by ``JSONKey``: two canonically equivalent names (NFC and NFD "é") are
/// two members, as JSON has them, where a `[String: JSONValue]` would merge them.
///
/// Reads like a dictionary with `String` names: `object["name"]`, `for (name, value) in object`.
/// ```swift
/// var object: JSONObject = ["type": "record"]
/// object["id"] = .string(id)
/// ```
public struct JSONObject: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    /// The members by name.
    public var members: [JSONKey: JSONValue]

    /// An empty object.
    public init() {
        members = [:]
    }

    /// An object of `members`.
    public init(_ members: [JSONKey: JSONValue]) {
        self.members = members
    }

    /// An object from a Swift dictionary (which has already merged any canonically equivalent names).
    public init(_ dictionary: [String: JSONValue]) {
        members = Dictionary(minimumCapacity: dictionary.count)
        for (name, value) in dictionary { members[JSONKey(name)] = value }
    }

    /// An object from a literal; a repeated name keeps the last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        members = Dictionary(minimumCapacity: elements.count)
        for (name, value) in elements { members[JSONKey(name)] = value }
    }

    /// The member named exactly `name`, or `nil`; setting `nil` removes it.
    @inlinable
    public subscript(name: String) -> JSONValue? {
        get { members[JSONKey(name)] }
        set { members[JSONKey(name)] = newValue }
    }

    /// The member named exactly `name`, or `defaultValue` (stored on first mutation).
    public subscript(name: String, default defaultValue: @autoclosure () -> JSONValue) -> JSONValue {
        get { members[JSONKey(name), default: defaultValue()] }
        set { members[JSONKey(name)] = newValue }
    }

    /// How many members.
    public var count: Int { members.count }
    /// Whether there are no members.
    public var isEmpty: Bool { members.isEmpty }
    /// The member names, in no particular order.
    public var keys: [String] { members.keys.map(\.string) }
    /// The member values, in no particular order.
    public var values: Dictionary<JSONKey, JSONValue>.Values { members.values }

    /// Sets the member `name`; returns the value it replaced, if any.
    @discardableResult
    public mutating func updateValue(_ value: JSONValue, forKey name: String) -> JSONValue? {
        members.updateValue(value, forKey: JSONKey(name))
    }

    /// Removes the member `name`; returns its value, if any.
    @discardableResult
    public mutating func removeValue(forKey name: String) -> JSONValue? {
        members.removeValue(forKey: JSONKey(name))
    }

    /// Adds the members of `other`; `combine` picks the value for a name both have.
    public mutating func merge(
        _ other: JSONObject, uniquingKeysWith combine: (JSONValue, JSONValue) throws -> JSONValue
    ) rethrows {
        try members.merge(other.members, uniquingKeysWith: combine)
    }

    /// The object with every value transformed.
    public func mapValues(_ transform: (JSONValue) throws -> JSONValue) rethrows -> JSONObject {
        JSONObject(try members.mapValues(transform))
    }

    /// The object of the members for which `isIncluded` holds.
    public func filter(_ isIncluded: ((key: String, value: JSONValue)) throws -> Bool) rethrows -> JSONObject {
        JSONObject(try members.filter { try isIncluded((key: $0.key.string, value: $0.value)) })
    }
}

extension JSONObject: Collection {
    /// A position of a member.
    public typealias Index = Dictionary<JSONKey, JSONValue>.Index

    /// The first member's position.
    public var startIndex: Index { members.startIndex }
    /// The position past the last member.
    public var endIndex: Index { members.endIndex }
    /// The position after `index`.
    public func index(after index: Index) -> Index { members.index(after: index) }

    /// The member at `position`.
    public subscript(position: Index) -> (key: String, value: JSONValue) {
        let member = members[position]
        return (member.key.string, member.value)
    }

    /// Iterates the members as `(key: String, value: JSONValue)`, in no particular order.
    public struct Iterator: IteratorProtocol {
        var base: Dictionary<JSONKey, JSONValue>.Iterator

        /// The next member, or `nil`.
        public mutating func next() -> (key: String, value: JSONValue)? {
            guard let (key, value) = base.next() else { return nil }
            return (key.string, value)
        }
    }

    /// An iterator over the members.
    public func makeIterator() -> Iterator { Iterator(base: members.makeIterator()) }
}

extension JSONObject: Codable {
    private struct Name: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decodes an object member by member.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Name.self)
        members = [:]
        for name in container.allKeys {
            members[JSONKey(name.stringValue)] = try container.decode(JSONValue.self, forKey: name)
        }
    }

    /// Encodes the object member by member.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Name.self)
        for (name, value) in members { try container.encode(value, forKey: Name(stringValue: name.string)) }
    }
}
