import Foundation

/// A JSON value as parsed from the wire: the one JSON model used by every Lienthong module.
///
/// Objects are unordered (``JSONObject``): every serialisation Lienthong writes sorts keys, and the canonical
/// form (RFC 8785) sorts them by UTF-16 code units anyway.
/// Strings and member names compare by code points, as JSON does (RFC 8259 §8.3), not by canonical equivalence
/// as Swift's `String ==` does: `.string("\u{E9}") != .string("e\u{301}")`, and an object may hold both as names.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// Equal values of the same kind; strings by code points, numbers by value.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let x), .bool(let y)): x == y
        case (.number(let x), .number(let y)): x == y
        case (.string(let x), .string(let y)): x.hasSameCodePoints(as: y)
        case (.array(let x), .array(let y)): x == y
        case (.object(let x), .object(let y)): x == y
        default: false
        }
    }

    /// Hashes consistently with ``==(_:_:)``: strings by their UTF-8 bytes.
    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0 as UInt8)
        case .bool(let flag):
            hasher.combine(1 as UInt8)
            hasher.combine(flag)
        case .number(let number):
            hasher.combine(2 as UInt8)
            hasher.combine(number)
        case .string(let text):
            hasher.combine(3 as UInt8)
            hasher.combine(JSONKey(text))
        case .array(let elements):
            hasher.combine(4 as UInt8)
            hasher.combine(elements)
        case .object(let members):
            hasher.combine(5 as UInt8)
            hasher.combine(members)
        }
    }
}

/// A JSON number that keeps the literal it was written with, so no precision is lost before a consumer
/// (the schema validator's `multipleOf`, a big integer) decides how to read it.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number as written in the source text (or as produced by ``init(_:)-(Double)``).
    public let literal: String
    /// The nearest IEEE 754 double.
    public let double: Double

    /// A number from its JSON literal; the caller guarantees `literal` is a valid JSON number.
    public init(literal: String, double: Double) {
        self.literal = literal
        self.double = double
    }

    /// A number from a double; the literal is Swift's shortest round-trip form.
    public init(_ value: Double) {
        self.double = value
        if value.rounded() == value, abs(value) < 1e15 {
            self.literal = String(Int64(value))
        } else {
            self.literal = "\(value)"
        }
    }

    /// A number from an integer.
    public init(_ value: Int) {
        self.literal = String(value)
        self.double = Double(value)
    }

    /// The value as an `Int` if it is integral and fits.
    public var int: Int? {
        guard double.rounded() == double, abs(double) < 9.007_199_254_740_992e15 else { return nil }
        return Int(double)
    }

    /// The literal.
    public var description: String { literal }

    /// Numbers compare by value: `1`, `1.0` and `1e0` are equal.
    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool { lhs.double == rhs.double }
    /// Hashes the double, consistent with value equality.
    public func hash(into hasher: inout Hasher) { hasher.combine(double) }
}

extension JSONValue {
    /// The string payload, or `nil`.
    public var stringValue: String? { if case .string(let s) = self { s } else { nil } }
    /// The object payload, or `nil`.
    public var objectValue: JSONObject? { if case .object(let o) = self { o } else { nil } }
    /// The array payload, or `nil`.
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    /// The number payload, or `nil`.
    public var numberValue: JSONNumber? { if case .number(let n) = self { n } else { nil } }
    /// The bool payload, or `nil`.
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    /// Whether this is `null`.
    public var isNull: Bool { if case .null = self { true } else { false } }

    /// The member named exactly `key` (by code points) of an object, or `nil` for a missing member or a non-object.
    public subscript(key: String) -> JSONValue? { objectValue?[key] }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    /// A string value.
    public init(stringLiteral value: String) { self = .string(value) }
    /// A number value.
    public init(integerLiteral value: Int) { self = .number(JSONNumber(value)) }
    /// A number value.
    public init(floatLiteral value: Double) { self = .number(JSONNumber(value)) }
    /// A boolean value.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An array value.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// An object value; a repeated key keeps the last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var members: [JSONKey: JSONValue] = Dictionary(minimumCapacity: elements.count)
        for (name, value) in elements { members[JSONKey(name)] = value }
        self = .object(JSONObject(members))
    }
    /// The null value.
    public init(nilLiteral: ()) { self = .null }
}
