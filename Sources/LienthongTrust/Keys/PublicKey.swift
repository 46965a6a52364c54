import CLienthongShims
import COpenSSL

/// A public key that checks signatures: from a certificate, a PEM/DER SubjectPublicKeyInfo or raw JWK coordinates.
public struct PublicKey: Sendable, Equatable, CustomStringConvertible {
    let key: EVPKey
    /// The key's type.
    public let type: KeyType

    init(key: EVPKey) throws(TrustError) {
        self.key = key
        self.type = try key.requireType()
    }

    /// Parses a DER SubjectPublicKeyInfo.
    public init(derBytes: [UInt8]) throws(TrustError) {
        let parsed: OpaquePointer? = derBytes.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_PUBKEY(nil, &cursor, buffer.count)
        }
        guard let parsed else { throw OpenSSL.error(.malformedKey, "not a DER public key") }
        try self.init(key: EVPKey(owning: parsed))
    }

    /// Parses a PEM `PUBLIC KEY` (SubjectPublicKeyInfo).
    public init(pem: String) throws(TrustError) {
        let parsed = OpenSSL.withReadBIO(Array(pem.utf8)) { PEM_read_bio_PUBKEY($0, nil, nil, nil) }
        guard let parsed else { throw OpenSSL.error(.malformedKey, "not a PEM public key") }
        try self.init(key: EVPKey(owning: parsed))
    }

    /// A P-256 public key from its affine coordinates (the JWK `x` and `y`, 32 bytes each).
    public static func p256(x: [UInt8], y: [UInt8]) throws(TrustError) -> PublicKey {
        guard x.count == 32, y.count == 32 else { throw TrustError(.malformedKey, "P-256 coordinates are 32 bytes") }
        let point = [0x04] + x + y
        guard let builder = OSSL_PARAM_BLD_new() else { throw OpenSSL.error(.cryptoFailure, "OSSL_PARAM_BLD_new") }
        defer { OSSL_PARAM_BLD_free(builder) }
        // The builder keeps pointers to the pushed values until OSSL_PARAM_BLD_to_param copies them, and the
        // params keep pointers to their key names for good: values stay alive through the closure, names are static.
        let built: OpaquePointer? = "P-256".withCString { group in
            point.withUnsafeBytes { raw in
                guard OSSL_PARAM_BLD_push_utf8_string(builder, lt_OSSL_PKEY_PARAM_GROUP_NAME(), group, 0) == 1,
                    OSSL_PARAM_BLD_push_octet_string(
                        builder, lt_OSSL_PKEY_PARAM_PUB_KEY(), raw.baseAddress, raw.count) == 1
                else { return nil }
                return OSSL_PARAM_BLD_to_param(builder).map { OpaquePointer($0) }
            }
        }
        guard let built else {
            throw OpenSSL.error(.cryptoFailure, "P-256 parameters")
        }
        let params = UnsafeMutablePointer<OSSL_PARAM>(built)
        defer { OSSL_PARAM_free(params) }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "EC", nil) else {
            throw OpenSSL.error(.cryptoFailure, "EVP_PKEY_CTX_new_from_name EC")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var made: OpaquePointer?
        guard EVP_PKEY_fromdata_init(context) == 1,
            EVP_PKEY_fromdata(context, &made, lt_EVP_PKEY_PUBLIC_KEY(), params) == 1, let made
        else { throw OpenSSL.error(.malformedKey, "not a P-256 point") }
        let key = EVPKey(owning: made)
        // EVP_PKEY_fromdata does not check that the point lies on the curve; a public check does.
        guard let check = EVP_PKEY_CTX_new_from_pkey(nil, made, nil) else {
            throw OpenSSL.error(.cryptoFailure, "EVP_PKEY_CTX_new_from_pkey")
        }
        defer { EVP_PKEY_CTX_free(check) }
        guard EVP_PKEY_public_check(check) == 1 else { throw OpenSSL.error(.malformedKey, "point is not on P-256") }
        return try PublicKey(key: key)
    }

    /// An Ed25519 public key from its 32 raw bytes (the JWK `x`).
    public static func ed25519(_ raw: [UInt8]) throws(TrustError) -> PublicKey {
        guard raw.count == 32 else { throw TrustError(.malformedKey, "Ed25519 public keys are 32 bytes") }
        let made = raw.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, 32)
        }
        guard let made else { throw OpenSSL.error(.malformedKey, "not an Ed25519 public key") }
        return try PublicKey(key: EVPKey(owning: made))
    }

    /// The DER SubjectPublicKeyInfo.
    public var derBytes: [UInt8] {
        guard let der = try? OpenSSL.der("public key", { i2d_PUBKEY(key.pointer, $0) }) else {
            preconditionFailure("a valid public key is always encodable")
        }
        return der
    }

    /// The PEM `PUBLIC KEY`.
    public var pemString: String {
        guard let pem = try? OpenSSL.writeBIO(.cryptoFailure, "PEM", { PEM_write_bio_PUBKEY($0, key.pointer) }) else {
            preconditionFailure("a valid public key is always encodable")
        }
        return String(decoding: pem, as: UTF8.self)
    }

    /// Whether `signature` (JOSE format) is a valid `algorithm` signature of `data` under this key.
    ///
    /// Returns `false` (never throws) for a wrong signature, a signature of the wrong length (ES256 needs 64
    /// bytes) and an algorithm that does not fit the key type.
    public func verify(signature: [UInt8], data: [UInt8], algorithm: JWSAlgorithm) -> Bool {
        SignatureOperation.verify(signature, data: data, key: key, algorithm: algorithm)
    }

    /// Keys are equal when their public components are.
    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool {
        let equal = EVP_PKEY_eq(lhs.key.pointer, rhs.key.pointer) == 1
        ERR_clear_error()
        return equal
    }

    /// `PublicKey(P-256)`.
    public var description: String { "PublicKey(\(type))" }
}
