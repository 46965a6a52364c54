import COpenSSL
import Synchronization

/// A signing context initialised once for one key and algorithm, copied for each signature.
///
/// `EVP_DigestSignInit` fetches the signature method and sets up the key's provider context on every call, which
/// costs a fifth of an ES256 signature; copying a ready context (`EVP_MD_CTX_copy_ex`) skips that. The template is
/// only read, under a mutex, so one signer serves every thread.
final class PreparedSigner: Sendable {
    /// The initialised context; only ever the source of a copy, made under `lock`.
    nonisolated(unsafe) private let template: OpaquePointer
    private let lock = Mutex(())
    private let algorithm: JWSAlgorithm
    /// Kept alive for the template, which holds a reference to the key's provider data.
    private let key: EVPKey

    /// Initialises the template context.
    /// - Throws: ``TrustError/Code/unsupportedAlgorithm`` if `algorithm` does not fit the key.
    init(key: SigningKey, algorithm: JWSAlgorithm) throws(TrustError) {
        self.key = key.key
        self.algorithm = algorithm
        self.template = try SignatureOperation.signingContext(key: key.key, type: key.type, algorithm: algorithm)
    }

    deinit { EVP_MD_CTX_free(template) }

    /// The JOSE-format signature of `data` (ES256: `r || s`).
    func sign(_ data: [UInt8]) throws(TrustError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw OpenSSL.error(.cryptoFailure, "EVP_MD_CTX_new") }
        defer { EVP_MD_CTX_free(context) }
        let copied = lock.withLock { _ in EVP_MD_CTX_copy_ex(context, template) }
        guard copied == 1 else { throw OpenSSL.error(.cryptoFailure, "\(algorithm.rawValue) context copy") }
        return try SignatureOperation.sign(data, context: context, algorithm: algorithm)
    }
}
