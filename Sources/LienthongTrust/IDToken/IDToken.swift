public import LienthongJSON

/// An OpenID Connect ID token taken apart (a JWS in compact serialisation, RFC 7515 §7.1), its signature not yet
/// checked: ``IDTokenVerifier`` does that.
///
/// The header must name an allowed `alg` (never `none`) and a `kid`, and may list no critical extension.
public struct IDToken: Sendable {
    /// The longest token read; ID tokens are a few hundred bytes to a few KiB.
    public static let maxBytes = 16 * 1024

    /// The header's `alg`.
    public let algorithm: JWSAlgorithm
    /// The header's `kid`: which of the issuer's keys signed it.
    public let keyID: String
    /// The claims (the payload's JSON object).
    public let claims: JSONObject
    /// `ASCII(header || "." || payload)`, what the signature covers.
    let signingInput: [UInt8]
    /// The signature bytes (JOSE form: `r || s` for ES256).
    let signature: [UInt8]

    /// Takes `compact` apart and checks its header against `algorithms`.
    /// - Throws: ``IDTokenError/Code/malformed`` for anything not a three-part JWS with JSON header and claims, a
    ///   missing `kid` or a `crit` header; ``IDTokenError/Code/unsupportedAlgorithm`` for `none` or an `alg`
    ///   outside `algorithms`.
    public init(compact: String, allowing algorithms: [JWSAlgorithm]) throws(IDTokenError) {
        guard compact.utf8.count <= Self.maxBytes else {
            throw IDTokenError(.malformed, "token is longer than \(Self.maxBytes) bytes")
        }
        let parts = compact.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { throw IDTokenError(.malformed, "token is not a compact JWS") }
        let header = try Self.object(parts[0], "header")
        guard let alg = header["alg"]?.stringValue else { throw IDTokenError(.malformed, "header has no alg") }
        guard let algorithm = JWSAlgorithm(rawValue: alg), algorithms.contains(algorithm) else {
            throw IDTokenError(.unsupportedAlgorithm, "alg \"\(alg.prefix(16))\" is not allowed")
        }
        // No extension is understood, so a critical one must be refused (RFC 7515 §4.1.11).
        guard header["crit"] == nil else { throw IDTokenError(.malformed, "header lists critical extensions") }
        guard let kid = header["kid"]?.stringValue, !kid.isEmpty else {
            throw IDTokenError(.malformed, "header has no kid")
        }
        guard let signature = try? Base64URL.decode(String(parts[2])), !signature.isEmpty else {
            throw IDTokenError(.malformed, "signature is not base64url")
        }
        self.algorithm = algorithm
        self.keyID = kid
        self.claims = try Self.object(parts[1], "claims")
        self.signingInput = Array(parts[0].utf8) + [UInt8(ascii: ".")] + Array(parts[1].utf8)
        self.signature = signature
    }

    /// A base64url part decoded and parsed as a JSON object.
    private static func object(_ part: Substring, _ name: String) throws(IDTokenError) -> JSONObject {
        guard let bytes = try? Base64URL.decode(String(part)),
            let value = try? JSONValue.parse(bytes, limits: JSONLimits(maxDepth: 16, maxBytes: maxBytes)),
            let object = value.objectValue
        else { throw IDTokenError(.malformed, "\(name) is not a base64url JSON object") }
        return object
    }
}
