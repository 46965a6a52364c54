import COpenSSL
import Synchronization

/// A verifying context initialised once for one public key and algorithm, copied for each signature checked.
///
/// The verifying twin of ``PreparedSigner``: `EVP_DigestVerifyInit` fetches the signature method and sets up the
/// key's provider context on every call; a cached chain (``ChainCache``) keeps one of these per algorithm its key
/// fits, so a signature from a known signer costs the copy and the check. The template is only read, under a
/// mutex, so one verifier serves every thread.
final class PreparedVerifier: Sendable {
    /// The initialised context; only ever the source of a copy, made under `lock`.
    nonisolated(unsafe) private let template: OpaquePointer
    private let lock = Mutex(())
    private let algorithm: JWSAlgorithm
    /// Kept alive for the template, which holds a reference to the key's provider data.
    private let key: EVPKey

    /// The template for `algorithm` under `key`, or `nil` if the algorithm does not fit the key.
    init?(key: PublicKey, algorithm: JWSAlgorithm) {
        guard let template = SignatureOperation.verifyingContext(key: key.key, type: key.type, algorithm: algorithm)
        else {
            ERR_clear_error()
            return nil
        }
        self.template = template
        self.algorithm = algorithm
        self.key = key.key
    }

    deinit { EVP_MD_CTX_free(template) }

    /// One verifier for each algorithm `key` fits.
    static func all(for key: PublicKey) -> [JWSAlgorithm: PreparedVerifier] {
        var verifiers: [JWSAlgorithm: PreparedVerifier] = [:]
        for algorithm in JWSAlgorithm.allCases {
            verifiers[algorithm] = PreparedVerifier(key: key, algorithm: algorithm)
        }
        return verifiers
    }

    /// Whether `signature` (JOSE format) is a valid signature of `data`.
    func verify(signature: [UInt8], data: [UInt8]) -> Bool {
        defer { ERR_clear_error() }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard lock.withLock({ _ in EVP_MD_CTX_copy_ex(context, template) }) == 1 else { return false }
        return SignatureOperation.verify(signature, data: data, context: context, algorithm: algorithm)
    }
}
