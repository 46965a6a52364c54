/// A social insurance number (mã số bảo hiểm xã hội): 10 digits.
public struct SocialInsuranceNumber: Sendable, Hashable, CustomStringConvertible {
    /// The 10 digits.
    public let value: String

    /// Validates `value`.
    /// - Throws: ``IdentifierError`` naming the rule that failed.
    public init(_ value: String) throws(IdentifierError) {
        guard value.utf8.count == 10, value.isASCIIDigits else {
            throw IdentifierError(
                rule: "social-insurance-number.format",
                requirement: "a social insurance number has exactly 10 digits"
            )
        }
        self.value = value
    }

    public var description: String { value }
}
