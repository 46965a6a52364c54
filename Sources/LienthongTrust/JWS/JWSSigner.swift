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
        try sign(payload: payload, identity: JWSSigningIdentity(key: key, chain: chain, algorithm: algorithm), issuedAt: issuedAt)
    }

    /// Signs `payload` with an identity checked beforehand (the fast path for a node signing many messages).
    public static func sign(payload: [UInt8], identity: JWSSigningIdentity, issuedAt: Date) throws(TrustError) -> JWSSignature {
        let protected = identity.protectedHeader(issuedAt: issuedAt)
        let signature = try identity.sign(JWSSignature.signingInput(protected: protected, payload: payload))
        return JWSSignature(protected: protected, signature: Base64URL.encode(signature))
    }
}
