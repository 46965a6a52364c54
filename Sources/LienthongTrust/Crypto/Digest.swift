import COpenSSL

/// Message digests through OpenSSL EVP.
public enum Digest {
    /// The SHA-256 digest (32 bytes) of `data`.
    public static func sha256(_ data: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        let ok = data.withUnsafeBytes { input in
            EVP_Digest(input.baseAddress, input.count, &out, &length, OpenSSL.sha256, nil)
        }
        // SHA-256 of in-memory bytes fails only if OpenSSL cannot allocate: nothing to recover.
        precondition(ok == 1 && length == 32, "EVP_Digest(SHA-256) failed")
        return out
    }
}
