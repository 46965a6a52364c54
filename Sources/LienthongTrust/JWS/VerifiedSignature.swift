public import Foundation

/// A signature that ``JWSVerifier`` accepted, with who made it and when.
public struct VerifiedSignature: Sendable, Hashable {
    /// The algorithm it was made with.
    public let algorithm: JWSAlgorithm
    /// Its `kid`: the leaf certificate's thumbprint.
    public let keyID: String
    /// Its `iat`.
    public let issuedAt: Date
    /// The member that signed (the leaf's subject `CN`).
    public let member: String
    /// The validated chain, leaf first, trust anchor last.
    public let chain: [Certificate]

    /// The signer's certificate.
    public var certificate: Certificate { chain[0] }
}
