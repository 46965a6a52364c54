import COpenSSL

/// SHA-256 over bytes that arrive in pieces (OpenSSL EVP, incremental), for bodies never held whole in memory.
///
/// ```swift
/// let hasher = SHA256Hasher()
/// while let chunk = try await body.next() { hasher.update(chunk) }
/// let digest = hasher.finalize()   // 32 bytes, equal to Digest.sha256(all bytes)
/// ```
/// One owner at a time: not `Sendable`.
public final class SHA256Hasher {
    private let context: OpaquePointer
    private var finished = false

    /// Starts an empty digest.
    public init() {
        // Allocation or initialisation fails only if OpenSSL cannot allocate: nothing to recover.
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex2(context, OpenSSL.sha256, nil) == 1 else {
            fatalError("EVP_DigestInit_ex2(SHA-256) failed")
        }
        self.context = context
    }

    deinit {
        EVP_MD_CTX_free(context)
    }

    /// Adds `bytes` to the digest.
    public func update(_ bytes: [UInt8]) {
        precondition(!finished, "SHA256Hasher.update after finalize")
        let ok = bytes.withUnsafeBytes { EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
        precondition(ok == 1, "EVP_DigestUpdate(SHA-256) failed")
    }

    /// The digest of everything added (32 bytes); the hasher takes no more bytes afterwards.
    public func finalize() -> [UInt8] {
        precondition(!finished, "SHA256Hasher.finalize called twice")
        finished = true
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        precondition(EVP_DigestFinal_ex(context, &out, &length) == 1 && length == 32, "EVP_DigestFinal_ex failed")
        return out
    }
}
