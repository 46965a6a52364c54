public import LienthongJSON

/// An envelope whose every signature ``EnvelopeVerifier`` accepted.
public struct VerifiedEnvelope: Sendable {
    /// The signed message.
    public let message: JSONValue
    /// The member the message claims and the origin signature names.
    public let member: String
    /// The verified signatures, in envelope order: the origin, then countersignatures.
    public let signatures: [VerifiedSignature]
    /// `JCS(message)`: the bytes every signature was verified over.
    public let payload: [UInt8]
    /// The signatures as the envelope carried them, in the same order as ``signatures``.
    public let received: [JWSSignature]

    /// The origin's signature: by ``member``.
    public var origin: VerifiedSignature { signatures[0] }
    /// The forwarding hops' countersignatures, in the order they were added; each names its own member.
    public var countersignatures: ArraySlice<VerifiedSignature> { signatures.dropFirst() }
}
