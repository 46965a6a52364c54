/// A response envelope as sent, with the digest the audit log keeps: what ``EnvelopeSigner`` returns for an
/// ``LienthongCore/ExchangeMessage``.
public struct SignedEnvelope: Sendable {
    /// `{"message":…,"signatures":[{"protected":…,"signature":…}]}`, where `message` is byte for byte the
    /// signed payload `JCS(message)`.
    public var body: [UInt8]
    /// Base64url SHA-256 of `JCS(message)`, the signed payload.
    public var messageSHA256: String
    /// The signature this signer added: the origin's, or a forwarding hop's countersignature (the last).
    public var signature: JWSSignature

    /// An envelope of these bytes.
    public init(body: [UInt8], messageSHA256: String, signature: JWSSignature) {
        self.body = body
        self.messageSHA256 = messageSHA256
        self.signature = signature
    }
}
