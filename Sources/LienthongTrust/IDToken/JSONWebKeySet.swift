public import LienthongJSON

/// An OpenID Connect issuer's signing keys: a JSON Web Key Set (RFC 7517 §5) read into public keys by `kid`.
///
/// EC P-256 keys (`crv` `P-256`, `x`, `y`) and RSA keys of 2048 bits or more (`n`, `e`) are built through OpenSSL;
/// keys of other types, keys for encryption (`use` other than `sig`), keys pinned to an algorithm Lienthong does
/// not accept and keys without a `kid` are left out, as no token this node accepts can name them. A set that is not
/// JSON, holds private key material, names one `kid` twice or has no usable key at all is refused.
///
/// ```swift
/// let keys = try JSONWebKeySet(bytes: jwksResponse.body)
/// let key = keys.key(for: "2026-12")
/// ```
public struct JSONWebKeySet: Sendable {
    /// One usable key.
    public struct Key: Sendable {
        /// The public key.
        public let publicKey: PublicKey
        /// The JWK `alg`, if the issuer pinned the key to one algorithm.
        public let algorithm: JWSAlgorithm?
    }

    /// The largest key set read.
    public static let maxBytes = 256 * 1024
    /// The most keys in one set.
    public static let maxKeys = 64

    /// The usable keys by `kid` (compared by code points, as the token's header names it).
    public let keys: [JSONKey: Key]

    /// Reads a JWKS document.
    /// - Throws: ``IDTokenError/Code/malformedKeySet``.
    public init(bytes: some Collection<UInt8>) throws(IDTokenError) {
        guard bytes.count <= Self.maxBytes else {
            throw IDTokenError(.malformedKeySet, "key set is \(bytes.count) bytes, limit \(Self.maxBytes)")
        }
        let document: JSONValue
        do {
            document = try JSONValue.parse(bytes, limits: JSONLimits(maxDepth: 8, maxBytes: Self.maxBytes))
        } catch {
            throw IDTokenError(.malformedKeySet, "key set is not JSON (\(error.code.wireCode))")
        }
        guard let entries = document["keys"]?.arrayValue, entries.count <= Self.maxKeys else {
            throw IDTokenError(.malformedKeySet, "key set needs a keys array of at most \(Self.maxKeys) keys")
        }
        var keys: [JSONKey: Key] = [:]
        for (index, entry) in entries.enumerated() {
            guard let jwk = entry.objectValue else {
                throw IDTokenError(.malformedKeySet, "keys[\(index)] is not an object")
            }
            // A published private key is a leak on the issuer's side; trusting the set would be trusting anyone.
            for name in ["d", "p", "q", "dp", "dq", "qi", "k"] where jwk[name] != nil {
                throw IDTokenError(.malformedKeySet, "keys[\(index)] holds private key material")
            }
            guard let kid = jwk["kid"]?.stringValue, jwk["use"].map({ $0 == "sig" }) ?? true else { continue }
            let key: Key?
            do {
                key = try Self.key(jwk)
            } catch {
                throw IDTokenError(.malformedKeySet, "keys[\(index)]: \(error.detail)")
            }
            guard let key else { continue }
            guard keys.updateValue(key, forKey: JSONKey(kid)) == nil else {
                throw IDTokenError(.malformedKeySet, "kid \(kid.prefix(64)) appears twice")
            }
        }
        guard !keys.isEmpty else { throw IDTokenError(.malformedKeySet, "key set has no usable signing key") }
        self.keys = keys
    }

    /// The key named `kid`, if the set has it.
    public func key(for kid: String) -> Key? { keys[JSONKey(kid)] }

    /// The key a JWK describes, or `nil` for a key this node does not use.
    private static func key(_ jwk: JSONObject) throws(TrustError) -> Key? {
        let algorithm = jwk["alg"]?.stringValue.flatMap { JWSAlgorithm(rawValue: $0) }
        if jwk["alg"] != nil, algorithm == nil { return nil }
        func bytes(_ name: String) throws(TrustError) -> [UInt8] {
            guard let text = jwk[name]?.stringValue, let decoded = try? Base64URL.decode(text) else {
                throw TrustError(.malformedBase64, "\(name) is not base64url")
            }
            return decoded
        }
        switch jwk["kty"]?.stringValue {
        case "EC":
            guard jwk["crv"] == "P-256" else { return nil }
            return Key(publicKey: try PublicKey.p256(x: try bytes("x"), y: try bytes("y")), algorithm: algorithm)
        case "RSA":
            return Key(
                publicKey: try PublicKey.rsa(modulus: try bytes("n"), exponent: try bytes("e")), algorithm: algorithm)
        default:
            return nil
        }
    }
}
