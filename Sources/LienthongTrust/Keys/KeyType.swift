/// The kind of an asymmetric key.
public enum KeyType: Sendable, Hashable, CustomStringConvertible {
    /// ECDSA over NIST P-256 (for ES256); the default.
    case p256
    /// Ed25519 (for EdDSA).
    case ed25519
    /// RSA with a modulus of `bits` bits (for RS256 and PS256).
    case rsa(bits: Int)

    /// RSA with a 3072-bit modulus: what ``SigningKey/generate(_:)`` creates for RSA.
    public static let rsa3072 = KeyType.rsa(bits: 3072)

    /// The JWS algorithm a key of this type signs with unless told otherwise.
    public var defaultAlgorithm: JWSAlgorithm {
        switch self {
        case .p256: .es256
        case .ed25519: .edDSA
        case .rsa: .ps256
        }
    }

    /// Whether a key of this type can make or check signatures with `algorithm`.
    public func supports(_ algorithm: JWSAlgorithm) -> Bool {
        switch (self, algorithm) {
        case (.p256, .es256), (.ed25519, .edDSA): true
        case (.rsa(let bits), .rs256), (.rsa(let bits), .ps256): bits >= 2048
        default: false
        }
    }

    /// `P-256`, `Ed25519` or `RSA-<bits>`.
    public var description: String {
        switch self {
        case .p256: "P-256"
        case .ed25519: "Ed25519"
        case .rsa(let bits): "RSA-\(bits)"
        }
    }
}
