import Foundation

/// A key with its certificate chain and algorithm, checked once and ready to sign many messages.
///
/// Checking that the key is the leaf's, computing the `kid`, encoding the `x5c` chain and initialising the OpenSSL
/// signing context cost more than the signature itself; a node signs with the same identity until it rotates keys.
public struct JWSSigningIdentity: Sendable {
    /// The private key.
    public let key: SigningKey
    /// The signing certificate, then intermediates.
    public let chain: [Certificate]
    /// The JWS algorithm.
    public let algorithm: JWSAlgorithm
    /// The `kid`: base64url SHA-256 of the leaf's DER.
    public let keyID: String
    /// The `x5c` members: standard base64 of each certificate's DER.
    let encodedChain: [String]
    /// The signing context for `key` and `algorithm`, set up once.
    private let signer: PreparedSigner
    private let headers = ProtectedHeaderCache()

    /// Checks that `key` is the leaf's key and that `algorithm` (default: the key's) fits it.
    /// - Throws: ``TrustError/Code/keyMismatch`` or ``TrustError/Code/unsupportedAlgorithm``.
    public init(key: SigningKey, chain: [Certificate], algorithm: JWSAlgorithm? = nil) throws(TrustError) {
        guard let leaf = chain.first else { throw TrustError(.malformedJWS, "a signature needs a certificate") }
        guard try leaf.publicKey == key.publicKey else {
            throw TrustError(.keyMismatch, "key does not match certificate \(leaf.subjectCommonName ?? "-")")
        }
        let algorithm = algorithm ?? key.defaultAlgorithm
        guard key.type.supports(algorithm) else {
            throw TrustError(.unsupportedAlgorithm, "a \(key.type) key cannot sign \(algorithm.rawValue)")
        }
        self.key = key
        self.chain = chain
        self.algorithm = algorithm
        self.keyID = leaf.sha256Thumbprint
        self.encodedChain = chain.map { Base64.encode($0.derBytes) }
        self.signer = try PreparedSigner(key: key, algorithm: algorithm)
    }

    /// The base64url protected header of a signature made at `issuedAt` (`iat` in whole seconds).
    func protectedHeader(issuedAt: Date) -> String {
        headers.header(issuedAt: issuedAt) { time in
            let header = JWSHeader.json(
                algorithm: algorithm, keyID: keyID, encodedChain: encodedChain, issuedAt: time)
            return Base64URL.encode(header.serializedBytes())
        }
    }

    /// The JOSE-format signature of a JWS signing input (`protected || "." || payload`) with this identity's key.
    public func sign(_ signingInput: [UInt8]) throws(TrustError) -> [UInt8] {
        try signer.sign(signingInput)
    }
}
