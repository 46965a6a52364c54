import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG.
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        if count == 0 { return out }
        // RAND_bytes fails only without an entropy source; continuing would hand out predictable bytes.
        precondition(RAND_bytes(&out, Int32(count)) == 1, "RAND_bytes failed: no entropy")
        return out
    }
}
