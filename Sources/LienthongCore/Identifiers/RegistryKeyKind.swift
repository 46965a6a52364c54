/// Which identifier rules a registry's key follows; set per registry in configuration.
public enum RegistryKeyKind: String, Sendable, Codable, CaseIterable {
    case personalID = "personal-id"
    case enterpriseCode = "enterprise-code"
    case socialInsuranceNumber = "social-insurance-number"
    case landParcel = "land-parcel"
    /// Any non-empty key of printable ASCII letters, digits and `-._` (for registries added by operators).
    case opaque

    /// Validates `key` under this kind's rules and returns it in normal form.
    /// - Throws: ``IdentifierError`` naming the rule that failed.
    public func validate(_ key: String) throws(IdentifierError) -> String {
        switch self {
        case .personalID: return try PersonalID(key).value
        case .enterpriseCode: return try EnterpriseCode(key).value
        case .socialInsuranceNumber: return try SocialInsuranceNumber(key).value
        case .landParcel: return try LandParcelKey(key).description
        case .opaque:
            let allowed = key.utf8.allSatisfy { byte in
                (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                    || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                    || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                    || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
            }
            guard !key.isEmpty, key.utf8.count <= 128, allowed, key != ".", key != ".." else {
                throw IdentifierError(
                    rule: "key.format",
                    requirement: "a key is 1-128 characters of A-Z, a-z, 0-9, '-', '.', '_'"
                )
            }
            return key
        }
    }
}
