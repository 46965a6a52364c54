import COpenSSL

/// Converts ECDSA signatures between OpenSSL's DER `ECDSA-Sig-Value` and JOSE's fixed-size `r || s`.
enum ECDSASignatureFormat {
    /// `r || s`, each left-padded to `size` bytes, from a DER signature.
    static func raw(fromDER der: [UInt8], size: Int) throws(TrustError) -> [UInt8] {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_ECDSA_SIG(nil, &cursor, buffer.count)
        }
        guard let signature = parsed else { throw OpenSSL.error(.cryptoFailure, "ECDSA signature is not DER") }
        defer { ECDSA_SIG_free(signature) }
        var out = [UInt8](repeating: 0, count: 2 * size)
        let ok = out.withUnsafeMutableBufferPointer { buffer -> Bool in
            BN_bn2binpad(ECDSA_SIG_get0_r(signature), buffer.baseAddress, Int32(size)) == Int32(size)
                && BN_bn2binpad(ECDSA_SIG_get0_s(signature), buffer.baseAddress! + size, Int32(size)) == Int32(size)
        }
        guard ok else { throw OpenSSL.error(.cryptoFailure, "ECDSA signature component too large") }
        return out
    }

    /// The DER form of a `r || s` signature, or `nil` if it does not have `2 * size` bytes.
    static func der(fromRaw raw: [UInt8], size: Int) -> [UInt8]? {
        guard raw.count == 2 * size, let signature = ECDSA_SIG_new() else { return nil }
        defer { ECDSA_SIG_free(signature) }
        let (r, s) = raw.withUnsafeBufferPointer { buffer in
            (BN_bin2bn(buffer.baseAddress, Int32(size), nil), BN_bin2bn(buffer.baseAddress! + size, Int32(size), nil))
        }
        guard let r, let s else {
            BN_free(r)
            BN_free(s)
            return nil
        }
        // ECDSA_SIG_set0 takes ownership of both numbers on success.
        guard ECDSA_SIG_set0(signature, r, s) == 1 else {
            BN_free(r)
            BN_free(s)
            return nil
        }
        return try? OpenSSL.der("ECDSA signature") { i2d_ECDSA_SIG(signature, $0) }
    }
}
