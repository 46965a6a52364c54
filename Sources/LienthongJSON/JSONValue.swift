import Foundation

/// A JSON value as parsed from the wire: the one JSON model used by every Lienthong module.
///
/// Objects are unordered (`[String: JSONValue]`): every serialisation Lienthong writes sorts keys,
/// and the canonical form (RFC 8785) sorts them by UTF-16 code units anyway.
/// Note: Swift's `String ==` compares canonical equivalence, so two keys that differ only in Unicode
/// normalisation are the same key here; the parser rejects such an object as having duplicate keys.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
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
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }
    /// The array payload, or `nil`.
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { a } else { nil } }
    /// The number payload, or `nil`.
    public var numberValue: JSONNumber? { if case .number(let n) = self { n } else { nil } }
    /// The bool payload, or `nil`.
    public var boolValue: Bool? { if case .bool(let b) = self { b } else { nil } }
    /// Whether this is `null`.
    public var isNull: Bool { if case .null = self { true } else { false } }

    /// The member `key` of an object, or `nil` for a missing member or a non-object.
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
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    /// The null value.
    public init(nilLiteral: ()) { self = .null }
}
