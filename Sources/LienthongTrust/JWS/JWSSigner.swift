public import Foundation
import LienthongJSON

/// Makes Lienthong JWS signatures over a detached, unencoded payload (RFC 7515 + RFC 7797).
///
/// ```swift
/// let signature = try JWSSigner.sign(
///     payload: try JCS.canonicalize(message), key: nodeKey, chain: nodeChain, algorithm: .es256, issuedAt: .now)
/// ```
public enum JWSSigner {
    /// Signs `payload` with `key`, naming `chain` (leaf first) in `x5c` and the leaf's thumbprint in `kid`.
    /// - Parameters:
    ///   - payload: the bytes signed as they are (not base64url-encoded): for envelopes, `JCS(message)`.
    ///   - key: the private key of `chain[0]`.
    ///   - chain: the signing certificate, then intermediates (not the root).
    ///   - algorithm: the JWS algorithm; must fit the key.
    ///   - issuedAt: the `iat` (whole seconds).
    /// - Throws: ``TrustError/Code/keyMismatch`` if `key` is not the leaf's key,
    ///   ``TrustError/Code/unsupportedAlgorithm`` if the algorithm does not fit the key.
    public static func sign(
        payload: [UInt8], key: SigningKey, chain: [Certificate], algorithm: JWSAlgorithm, issuedAt: Date
    ) throws(TrustError) -> JWSSignature {
        guard let leaf = chain.first else { throw TrustError(.malformedJWS, "a signature needs a certificate") }
        guard try leaf.publicKey == key.publicKey else {
            throw TrustError(.keyMismatch, "key does not match certificate \(leaf.subjectCommonName ?? "-")")
        }
        guard key.type.supports(algorithm) else {
            throw TrustError(.unsupportedAlgorithm, "a \(key.type) key cannot sign \(algorithm.rawValue)")
        }
        let header = JWSHeader.json(
            algorithm: algorithm, keyID: leaf.sha256Thumbprint, chain: chain, issuedAt: issuedAt)
        let protected = Base64URL.encode(header.serializedBytes())
        let signature = try key.sign(
            JWSSignature.signingInput(protected: protected, payload: payload), algorithm: algorithm)
        return JWSSignature(protected: protected, signature: Base64URL.encode(signature))
    }
}
