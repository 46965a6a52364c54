/// What an option's value must look like, checked by the parser so that a bad value is refused naming its option,
/// before the command does anything.
public struct ValueFormat: Sendable {
    /// What a good value is, completing "is not …", e.g. `host:port` or `an RFC 3339 time`.
    public let expected: String
    /// Whether `value` is good.
    public let accepts: @Sendable (String) -> Bool

    /// A format checked by `accepts`.
    public init(expected: String, accepts: @escaping @Sendable (String) -> Bool) {
        self.expected = expected
        self.accepts = accepts
    }

    /// Any text, the empty string included.
    public static let any = ValueFormat(expected: "a value") { _ in true }

    /// Any text except the empty string.
    public static let nonEmpty = ValueFormat(expected: "a non-empty value") { !$0.isEmpty }

    /// A decimal integer above zero.
    public static let positiveInteger = ValueFormat(expected: "a positive integer") { value in
        value.allSatisfy(\.isASCII) && (Int(value) ?? 0) > 0
    }

    /// One of `choices`, spelled exactly.
    public static func oneOf(_ choices: [String]) -> ValueFormat {
        ValueFormat(expected: "one of \(choices.joined(separator: ", "))") { choices.contains($0) }
    }
}
