public import LienthongJSON

/// An envelope whose every signature ``EnvelopeVerifier`` accepted.
public struct VerifiedEnvelope: Sendable {
    /// The signed message.
    public let message: JSONValue
    /// The member the message claims and every signature names.
    public let member: String
    /// The verified signatures, in envelope order.
    public let signatures: [VerifiedSignature]
}
