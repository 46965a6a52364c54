import COpenSSL

/// One-shot EVP sign and verify for the JWS algorithms.
enum SignatureOperation {
    /// The digest an algorithm hashes with, or `nil` for EdDSA (Ed25519 hashes internally).
    private static func digest(_ algorithm: JWSAlgorithm) -> OpaquePointer? {
        algorithm == .edDSA ? nil : OpenSSL.sha256
    }

    /// Sets RSA padding on a sign/verify context: PKCS#1 v1.5, or PSS with salt length = hash length.
    private static func configure(_ context: OpaquePointer?, _ algorithm: JWSAlgorithm) -> Bool {
        switch algorithm {
        case .rs256:
            return EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1
        case .ps256:
            return EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PSS_PADDING) == 1
                && EVP_PKEY_CTX_set_rsa_pss_saltlen(context, RSA_PSS_SALTLEN_DIGEST) == 1
                && EVP_PKEY_CTX_set_rsa_mgf1_md(context, OpenSSL.sha256) == 1
        case .es256, .edDSA:
            return true
        }
    }

    /// The JOSE-format signature of `data` (ES256: `r || s`), with a context made for this call.
    static func sign(
        _ data: [UInt8], key: EVPKey, type: KeyType, algorithm: JWSAlgorithm
    ) throws(TrustError) -> [UInt8] {
        let context = try signingContext(key: key, type: type, algorithm: algorithm)
        defer { EVP_MD_CTX_free(context) }
        return try sign(data, context: context, algorithm: algorithm)
    }

    /// A new `EVP_MD_CTX` initialised to sign with `key` and `algorithm`; the caller frees it.
    /// Initialising costs about as much as hashing an envelope: ``PreparedSigner`` does it once per key.
    static func signingContext(
        key: EVPKey, type: KeyType, algorithm: JWSAlgorithm
    ) throws(TrustError) -> OpaquePointer {
        guard type.supports(algorithm) else {
            throw TrustError(.unsupportedAlgorithm, "a \(type) key cannot sign \(algorithm.rawValue)")
        }
        guard let context = EVP_MD_CTX_new() else { throw OpenSSL.error(.cryptoFailure, "EVP_MD_CTX_new") }
        var keyContext: OpaquePointer?
        guard EVP_DigestSignInit(context, &keyContext, digest(algorithm), nil, key.pointer) == 1,
            configure(keyContext, algorithm)
        else {
            EVP_MD_CTX_free(context)
            throw OpenSSL.error(.cryptoFailure, "\(algorithm.rawValue) sign init")
        }
        return context
    }

    /// Signs `data` with a context from ``signingContext(key:type:algorithm:)``, used once: a one-shot
    /// `EVP_DigestSign` finalises it.
    static func sign(_ data: [UInt8], context: OpaquePointer, algorithm: JWSAlgorithm) throws(TrustError) -> [UInt8] {
        var length = 0
        let sized = data.withUnsafeBufferPointer { EVP_DigestSign(context, nil, &length, $0.baseAddress, $0.count) }
        guard sized == 1 else { throw OpenSSL.error(.cryptoFailure, "\(algorithm.rawValue) sign") }
        var signature = [UInt8](repeating: 0, count: length)
        let signed = data.withUnsafeBufferPointer { input in
            EVP_DigestSign(context, &signature, &length, input.baseAddress, input.count)
        }
        guard signed == 1 else { throw OpenSSL.error(.cryptoFailure, "\(algorithm.rawValue) sign") }
        signature.removeSubrange(length...)
        if algorithm == .es256 { return try ECDSASignatureFormat.raw(fromDER: signature, size: 32) }
        return signature
    }

    /// Whether `signature` (JOSE format) is a valid `algorithm` signature of `data` under `key`.
    static func verify(_ signature: [UInt8], data: [UInt8], key: EVPKey, algorithm: JWSAlgorithm) -> Bool {
        defer { ERR_clear_error() }
        guard let type = key.type, let context = verifyingContext(key: key, type: type, algorithm: algorithm) else {
            return false
        }
        defer { EVP_MD_CTX_free(context) }
        return verify(signature, data: data, context: context, algorithm: algorithm)
    }

    /// A new `EVP_MD_CTX` initialised to verify `algorithm` signatures under `key`, or `nil` if the algorithm does
    /// not fit the key; the caller frees it. ``PreparedVerifier`` makes one per cached chain and copies it.
    static func verifyingContext(key: EVPKey, type: KeyType, algorithm: JWSAlgorithm) -> OpaquePointer? {
        guard type.supports(algorithm), let context = EVP_MD_CTX_new() else { return nil }
        var keyContext: OpaquePointer?
        guard EVP_DigestVerifyInit(context, &keyContext, digest(algorithm), nil, key.pointer) == 1,
            configure(keyContext, algorithm)
        else {
            EVP_MD_CTX_free(context)
            return nil
        }
        return context
    }

    /// Checks `signature` (JOSE format) over `data` with a context from
    /// ``verifyingContext(key:type:algorithm:)``, used once: a one-shot `EVP_DigestVerify` finalises it.
    static func verify(_ signature: [UInt8], data: [UInt8], context: OpaquePointer, algorithm: JWSAlgorithm) -> Bool {
        var encoded = signature
        if algorithm == .es256 {
            // JOSE fixes the length: anything but 64 bytes is not an ES256 signature.
            guard let der = ECDSASignatureFormat.der(fromRaw: signature, size: 32) else { return false }
            encoded = der
        }
        return encoded.withUnsafeBufferPointer { sig in
            data.withUnsafeBufferPointer { input in
                EVP_DigestVerify(context, sig.baseAddress, sig.count, input.baseAddress, input.count)
            }
        } == 1
    }
}
