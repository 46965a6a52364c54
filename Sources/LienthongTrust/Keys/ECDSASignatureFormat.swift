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

    /// The low-S form of a P-256 `r || s` signature: `s` replaced by `n − s` when it lies above `n / 2` (`n` the
    /// group order). `(r, s)` and `(r, n − s)` are both valid, so only this form names one signature; a value that
    /// is not a P-256 signature at all (wrong length, `s` out of `[1, n − 1]`) comes back unchanged.
    static func lowS(p256 raw: [UInt8]) -> [UInt8] {
        mapS(raw) { s in BN_cmp(s, P256Order.half) > 0 }
    }

    /// `r || (n − s)`: the other valid form of a P-256 signature (what a third party can make without the key).
    static func complement(p256 raw: [UInt8]) -> [UInt8] {
        mapS(raw) { _ in true }
    }

    /// `raw` with `s` replaced by `n − s` where `replace(s)` says so, through OpenSSL's BIGNUMs.
    private static func mapS(_ raw: [UInt8], replace: (OpaquePointer) -> Bool) -> [UInt8] {
        let size = 32
        guard raw.count == 2 * size,
            let s = raw.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress! + size, Int32(size), nil) })
        else { return raw }
        defer { BN_free(s) }
        let order = P256Order.order
        guard BN_is_zero(s) == 0, BN_cmp(s, order) < 0, replace(s), BN_sub(s, order, s) == 1 else { return raw }
        var out = raw
        let written = out.withUnsafeMutableBufferPointer { BN_bn2binpad(s, $0.baseAddress! + size, Int32(size)) }
        return written == Int32(size) ? out : raw
    }
}

/// The P-256 group order `n` and `n / 2`, computed once: building the group per signature cost more than a tenth
/// of a verification. Only ever read (`BN_cmp`, `BN_sub` source), which OpenSSL allows from several threads.
private enum P256Order {
    nonisolated(unsafe) static let order: OpaquePointer = {
        guard let group = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1),
            let order = EC_GROUP_get0_order(group).flatMap({ BN_dup($0) })
        else { fatalError("OpenSSL has no P-256") }
        EC_GROUP_free(group)
        return order
    }()
    nonisolated(unsafe) static let half: OpaquePointer = {
        guard let half = BN_new(), BN_rshift1(half, order) == 1 else { fatalError("BN_rshift1 failed") }
        return half
    }()
}
