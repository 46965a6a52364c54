public import Foundation

/// Checks Lienthong JWS signatures over a detached, unencoded payload.
///
/// A signature is accepted only if its header has the Lienthong shape (allowed `alg`, `b64: false`,
/// `crit: ["b64"]`, `typ`, `iat`), its `kid` is the thumbprint of its `x5c` leaf, the `x5c` chain is valid for
/// the expected member at the verification time, and the signature verifies over `protected || "." || payload`.
public enum JWSVerifier {
    /// Verifies `signature` over `payload`.
    /// - Parameters:
    ///   - signature: the `protected` and `signature` parts.
    ///   - payload: the detached payload bytes (for envelopes, `JCS(message)`).
    ///   - trust: the certificate verifier (anchors, CRLs, clock skew).
    ///   - expectedMember: the member id the signing certificate must name, or `nil` for any member (a forwarding
    ///     hop's countersignature).
    ///   - time: the verification time for certificate validity and revocation.
    /// - Throws: a ``TrustError`` whose code says what failed: ``TrustError/Code/malformedBase64`` for a signature
    ///   value that is not base64url (e.g. truncated mid-group), ``TrustError/Code/malformedSignature`` for one of
    ///   the wrong length, ``TrustError/Code/badSignature`` for one of the right length that does not verify.
    public static func verify(
        _ signature: JWSSignature, payload: [UInt8], trust: CertificateVerifier, expectedMember: String?, at time: Date
    ) throws(TrustError) -> VerifiedSignature {
        // A header seen before (same text, chain still valid) comes from the trust store's HeaderCache, chain and all.
        let signer = try trust.signer(protected: signature.protected, at: time)
        let header = signer.header
        let bytes: [UInt8]
        do {
            bytes = try Base64URL.decode(signature.signature)
        } catch {
            throw TrustError(.malformedBase64, "signature is not base64url (kid \(header.keyID))")
        }
        let (chain, entry) = try trust.verify(signer, expectedMember: expectedMember, at: time)
        let publicKey = try chain.publicKey
        guard publicKey.type.supports(header.algorithm) else {
            throw TrustError(
                .unsupportedAlgorithm,
                "\(header.algorithm.rawValue) does not fit the \(publicKey.type) key of kid \(header.keyID)")
        }
        let expectedLength = Self.signatureLength(of: publicKey.type)
        guard bytes.count == expectedLength else {
            throw TrustError(
                .malformedSignature,
                "\(header.algorithm.rawValue) signature of kid \(header.keyID) is \(bytes.count) bytes, "
                    + "not \(expectedLength)")
        }
        let input = JWSSignature.signingInput(protected: signature.protected, payload: payload)
        guard chain.verify(signature: bytes, data: input, algorithm: header.algorithm) else {
            throw TrustError(.badSignature, "signature of kid \(header.keyID) does not verify")
        }
        trust.keep(signer, chain: entry)
        return VerifiedSignature(
            algorithm: header.algorithm, keyID: header.keyID, issuedAt: header.issuedAt, member: chain.member,
            chain: chain.chain, canonicalValue: Base64URL.encode(canonicalForm(of: bytes, algorithm: header.algorithm)))
    }

    /// The one form of a verified signature: an ECDSA signature has two valid values (`s` and `n − s`), and either
    /// may be sent (other JOSE libraries make high-S ones), so both map to the low-S value. Ed25519 (RFC 8032
    /// requires `S < L`), RSA PKCS #1 v1.5 and PSS values have no second form under the same key.
    static func canonicalForm(of signature: [UInt8], algorithm: JWSAlgorithm) -> [UInt8] {
        algorithm == .es256 ? ECDSASignatureFormat.lowS(p256: signature) : signature
    }

    /// The length of a JOSE signature made by a key of `type`: 64 bytes for ES256 (`r || s`) and Ed25519, the
    /// modulus length for RSA.
    static func signatureLength(of type: KeyType) -> Int {
        switch type {
        case .p256, .ed25519: 64
        case .rsa(let bits): (bits + 7) / 8
        }
    }
}
