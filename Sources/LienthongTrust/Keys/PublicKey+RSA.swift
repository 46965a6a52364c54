import CLienthongShims
import COpenSSL

extension PublicKey {
    /// An RSA public key from its modulus and public exponent, big-endian (the JWK `n` and `e`).
    ///
    /// Built through OpenSSL 3's `EVP_PKEY_fromdata`; a modulus under 2048 bits is refused, as no algorithm
    /// Lienthong accepts allows one.
    /// - Throws: ``TrustError/Code/malformedKey`` for a short modulus or parameters OpenSSL refuses.
    public static func rsa(modulus: [UInt8], exponent: [UInt8]) throws(TrustError) -> PublicKey {
        let significant = modulus.drop { $0 == 0 }
        guard significant.count >= 256, !exponent.isEmpty, exponent.count <= 8 else {
            throw TrustError(.malformedKey, "RSA keys need a modulus of at least 2048 bits and a short exponent")
        }
        let n = modulus.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
        let e = exponent.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress, Int32($0.count), nil) }
        defer {
            BN_free(n)
            BN_free(e)
        }
        guard let n, let e, let builder = OSSL_PARAM_BLD_new() else {
            throw OpenSSL.error(.cryptoFailure, "RSA parameters")
        }
        defer { OSSL_PARAM_BLD_free(builder) }
        // The builder reads the numbers when it makes the parameters; the names must outlive the parameters, so
        // they are static strings.
        guard OSSL_PARAM_BLD_push_BN(builder, Self.parameterName("n"), n) == 1,
            OSSL_PARAM_BLD_push_BN(builder, Self.parameterName("e"), e) == 1,
            let built = OSSL_PARAM_BLD_to_param(builder)
        else { throw OpenSSL.error(.cryptoFailure, "RSA parameters") }
        defer { OSSL_PARAM_free(built) }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "RSA", nil) else {
            throw OpenSSL.error(.cryptoFailure, "EVP_PKEY_CTX_new_from_name RSA")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var made: OpaquePointer?
        guard EVP_PKEY_fromdata_init(context) == 1,
            EVP_PKEY_fromdata(context, &made, lt_EVP_PKEY_PUBLIC_KEY(), built) == 1, let made
        else { throw OpenSSL.error(.malformedKey, "not an RSA public key") }
        return try PublicKey(key: EVPKey(owning: made))
    }

    /// An `OSSL_PARAM` key name with static storage (`OSSL_PKEY_PARAM_RSA_N` is `"n"`, `…_E` is `"e"`).
    private static func parameterName(_ name: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
    }
}
