/// The key of a land parcel: commune code (5 digits), map sheet number and parcel number,
/// written `<communeCode>-<mapSheet>-<parcelNumber>`, e.g. `00004-12-345`.
public struct LandParcelKey: Sendable, Hashable, CustomStringConvertible {
    /// The 5-digit commune code.
    public let communeCode: String
    /// The map sheet number (số tờ bản đồ).
    public let mapSheet: Int
    /// The parcel number on that sheet (số thửa).
    public let parcelNumber: Int

    /// Parses and validates the key.
    /// - Throws: ``IdentifierError`` naming the rule that failed.
    public init(_ value: String) throws(IdentifierError) {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3 else {
            throw IdentifierError(
                rule: "land-parcel.format",
                requirement: "a parcel key is <communeCode>-<mapSheet>-<parcelNumber>"
            )
        }
        guard parts[0].utf8.count == 5, parts[0].isASCIIDigits else {
            throw IdentifierError(rule: "land-parcel.commune-code", requirement: "a commune code has exactly 5 digits")
        }
        guard let sheet = Self.positiveNumber(parts[1]), let parcel = Self.positiveNumber(parts[2]) else {
            throw IdentifierError(
                rule: "land-parcel.number",
                requirement: "map sheet and parcel numbers are positive integers without leading zeros (at most 6 digits)"
            )
        }
        self.communeCode = String(parts[0])
        self.mapSheet = sheet
        self.parcelNumber = parcel
    }

    public var description: String { "\(communeCode)-\(mapSheet)-\(parcelNumber)" }

    private static func positiveNumber(_ text: Substring) -> Int? {
        guard text.isASCIIDigits, text.utf8.count <= 6, text.first != "0", let number = Int(text) else { return nil }
        return number
    }
}
