public import Foundation

/// An ID token ``IDTokenVerifier`` accepted: who it proves and until when.
public struct VerifiedIDToken: Sendable, Hashable {
    /// The personal id from the configured claim.
    public let personalID: String
    /// The `sub` claim, if any (the issuer's own identifier of the citizen).
    public let subject: String?
    /// `exp`.
    public let expiresAt: Date
}
