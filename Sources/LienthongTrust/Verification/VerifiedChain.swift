/// A certificate chain that ``CertificateVerifier`` accepted.
public struct VerifiedChain: Sendable, Hashable {
    /// The end-entity certificate.
    public let leaf: Certificate
    /// The chain OpenSSL built: leaf first, trust anchor last.
    public let chain: [Certificate]
    /// The member the leaf names (its subject `CN`).
    public let member: String
}
