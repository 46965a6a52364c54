/// A certificate chain that ``CertificateVerifier`` accepted.
public struct VerifiedChain: Sendable, Hashable {
    /// The end-entity certificate.
    public let leaf: Certificate
    /// The chain OpenSSL built: leaf first, trust anchor last.
    public let chain: [Certificate]
    /// The member the leaf names (its subject `CN`).
    public let member: String
    /// The leaf's public key as the chain cache parsed it once, or why it cannot be used.
    let leafKey: Result<PublicKey, TrustError>
    /// Verifying contexts for that key, one per algorithm it fits.
    let verifiers: [JWSAlgorithm: PreparedVerifier]

    /// The leaf's public key, parsed once per cached chain rather than per signature.
    /// - Throws: ``TrustError/Code/malformedKey`` for a key Lienthong does not use.
    public var publicKey: PublicKey {
        get throws(TrustError) { try leafKey.get() }
    }

    /// Whether `signature` (JOSE format) is a valid `algorithm` signature of `data` under the leaf's key.
    func verify(signature: [UInt8], data: [UInt8], algorithm: JWSAlgorithm) -> Bool {
        if let prepared = verifiers[algorithm] { return prepared.verify(signature: signature, data: data) }
        guard case .success(let key) = leafKey else { return false }
        return key.verify(signature: signature, data: data, algorithm: algorithm)
    }

    /// Chains are equal when their certificates and member are (the key follows from the leaf).
    public static func == (lhs: VerifiedChain, rhs: VerifiedChain) -> Bool {
        lhs.leaf == rhs.leaf && lhs.chain == rhs.chain && lhs.member == rhs.member
    }

    /// Hashes the certificates and the member.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(leaf)
        hasher.combine(chain)
        hasher.combine(member)
    }
}
