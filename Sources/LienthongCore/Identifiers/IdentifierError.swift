import LienthongJSON

/// A registry key that breaks one of the national identifier rules (DOMAIN.md).
///
/// The error names the rule, never the value: a malformed personal ID is still personal data.
public struct IdentifierError: Error, Sendable, Equatable, ProblemConvertible {
    /// The rule that failed, e.g. `personal-id.length`.
    public var rule: String
    /// What the rule requires, in words.
    public var requirement: String

    /// Creates an error for a broken rule.
    public init(rule: String, requirement: String) {
        self.rule = rule
        self.requirement = requirement
    }

    public var problem: Problem {
        Problem(
            status: 400,
            code: "invalid-identifier",
            title: "Invalid identifier",
            detail: "The key breaks rule \(rule): \(requirement).",
            extensions: ["rule": .string(rule)]
        )
    }
}

extension StringProtocol {
    /// Whether every character is an ASCII digit 0-9 (and there is at least one).
    public var isASCIIDigits: Bool {
        !isEmpty && utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
