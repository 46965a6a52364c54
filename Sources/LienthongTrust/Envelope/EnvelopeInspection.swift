/// What ``EnvelopeInspector`` found: each signature check by check, and the verdict of ``EnvelopeVerifier``.
public struct EnvelopeInspection: Sendable {
    /// The member the message claims (`consumer` of a request, `provider` otherwise), if it names one.
    public let member: String?
    /// The message `type`, if present.
    public let messageType: String?
    /// Each signature, in envelope order.
    public let signatures: [SignatureInspection]
    /// The authoritative result: ``EnvelopeVerifier/verify(_:trust:at:)`` on the same input.
    public let verdict: Result<VerifiedEnvelope, TrustError>

    /// Whether the envelope verified.
    public var isValid: Bool {
        if case .success = verdict { return true }
        return false
    }
}
