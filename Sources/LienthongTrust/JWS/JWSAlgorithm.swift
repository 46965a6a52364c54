/// The JWS `alg` values Lienthong signs and accepts: an allow-list.
///
/// `none`, the HMAC algorithms and everything else are rejected by ``init(header:)``.
public enum JWSAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// ECDSA with P-256 and SHA-256; the signature is `r || s`, 64 bytes (RFC 7518 §3.4).
    case es256 = "ES256"
    /// Ed25519 (RFC 8037).
    case edDSA = "EdDSA"
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    case rs256 = "RS256"
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt.
    case ps256 = "PS256"

    /// The algorithm named by a JWS `alg` header value.
    /// - Throws: ``TrustError/Code/unsupportedAlgorithm`` for any name not on the allow-list.
    public init(header name: String) throws(TrustError) {
        guard let algorithm = JWSAlgorithm(rawValue: name) else {
            throw TrustError(.unsupportedAlgorithm, "alg \"\(name.prefix(16))\" is not allowed")
        }
        self = algorithm
    }
}
