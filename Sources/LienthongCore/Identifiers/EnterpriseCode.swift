/// A Vietnamese enterprise code (mã số doanh nghiệp): the 10-digit tax code, and for a dependent unit
/// (branch) a `-` and a 3-digit suffix.
public struct EnterpriseCode: Sendable, Hashable, CustomStringConvertible {
    /// The full code as given, e.g. `0101234567` or `0101234567-001`.
    public let value: String

    /// Validates `value`.
    /// - Throws: ``IdentifierError`` naming the rule that failed.
    public init(_ value: String) throws(IdentifierError) {
        let parts = value.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts[0].utf8.count == 10, parts[0].isASCIIDigits else {
            throw IdentifierError(
                rule: "enterprise-code.format",
                requirement: "an enterprise code starts with the 10-digit tax code"
            )
        }
        if parts.count == 2 {
            guard parts[1].utf8.count == 3, parts[1].isASCIIDigits, parts[1] != "000" else {
                throw IdentifierError(
                    rule: "enterprise-code.branch-suffix",
                    requirement: "a branch code appends '-' and 3 digits (001-999) to the tax code"
                )
            }
        }
        self.value = value
    }

    /// The 10-digit tax code of the enterprise (the parent's, for a branch).
    public var taxCode: String { String(value.prefix(10)) }

    /// Whether this is a dependent unit (branch).
    public var isBranch: Bool { value.utf8.count == 14 }

    public var description: String { value }
}
