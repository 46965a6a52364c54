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
    /// The signature value (base64url) in its one canonical form: low-S for ES256, whose `(r, n − s)` is as
    /// valid as `(r, s)`; as sent for the other algorithms. What a replay window remembers.
    public let canonicalValue: String

    /// The signer's certificate.
    public var certificate: Certificate { chain[0] }
}
