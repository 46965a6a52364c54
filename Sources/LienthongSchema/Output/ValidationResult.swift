public import LienthongJSON

/// The outcome of ``JSONSchema/validate(_:)``: valid or not, and the failing keywords.
public struct ValidationResult: Sendable, Hashable {
    /// Whether the instance is valid.
    public let isValid: Bool
    /// The failing keywords (empty when valid), in evaluation order.
    public let errors: [OutputUnit]

    /// A result.
    public init(isValid: Bool, errors: [OutputUnit]) {
        self.isValid = isValid
        self.errors = errors
    }

    /// The result in a 2020-12 output format.
    ///
    /// `flag` is `{"valid": false}`; `basic` adds `"errors"`, each with `keywordLocation`,
    /// `absoluteKeywordLocation`, `instanceLocation` and `error`.
    public func output(_ format: OutputFormat) -> JSONValue {
        switch format {
        case .flag:
            return .object(["valid": .bool(isValid)])
        case .basic:
            if isValid { return .object(["valid": .bool(true)]) }
            return .object(["valid": .bool(false), "errors": .array(errors.map(\.json))])
        }
    }
}
