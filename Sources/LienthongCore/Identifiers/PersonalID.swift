/// A Vietnamese personal identification number (số định danh cá nhân): 12 digits.
///
/// Digits 1-3 are the birth-registration province code, digit 4 encodes sex and century,
/// digits 5-6 are the last two digits of the birth year, digits 7-12 a serial.
public struct PersonalID: Sendable, Hashable, CustomStringConvertible {
    /// Sex as encoded in digit 4.
    public enum Sex: String, Sendable { case male, female }

    /// The 12 digits.
    public let value: String

    /// Validates `value` against the format rules.
    /// - Throws: ``IdentifierError`` naming the rule that failed.
    public init(_ value: String) throws(IdentifierError) {
        guard value.utf8.count == 12 else {
            throw IdentifierError(rule: "personal-id.length", requirement: "a personal ID has exactly 12 digits")
        }
        guard value.isASCIIDigits else {
            throw IdentifierError(rule: "personal-id.digits", requirement: "a personal ID has only the digits 0-9")
        }
        let centuryDigit = value.utf8[value.utf8.index(value.utf8.startIndex, offsetBy: 3)] - UInt8(ascii: "0")
        guard centuryDigit <= 3 else {
            throw IdentifierError(
                rule: "personal-id.sex-century",
                requirement: "digit 4 is 0-3 (sex and century of birth, 1900-2099)"
            )
        }
        self.value = value
    }

    /// The three-digit birth-registration province code (e.g. `001` for Hà Nội).
    public var provinceCode: String { String(value.prefix(3)) }

    /// The sex encoded in digit 4.
    public var sex: Sex { digit(3) % 2 == 0 ? .male : .female }

    /// The birth year implied by digits 4-6.
    public var birthYear: Int { (digit(3) / 2 == 0 ? 1900 : 2000) + digit(4) * 10 + digit(5) }

    /// Whether digits 4-6 agree with a record's sex and birth year.
    public func agrees(sex: Sex, birthYear: Int) -> Bool { self.sex == sex && self.birthYear == birthYear }

    /// Digits 4-6 for a sex and birth year, as the population registry assigns them.
    public static func sexCenturyYearDigits(sex: Sex, birthYear: Int) -> String? {
        guard (1900...2099).contains(birthYear) else { return nil }
        let century = birthYear >= 2000 ? 2 : 0
        let sexDigit = century + (sex == .female ? 1 : 0)
        let year = birthYear % 100
        return "\(sexDigit)\(year / 10)\(year % 10)"
    }

    public var description: String { value }

    private func digit(_ offset: Int) -> Int {
        Int(value.utf8[value.utf8.index(value.utf8.startIndex, offsetBy: offset)] - UInt8(ascii: "0"))
    }
}
