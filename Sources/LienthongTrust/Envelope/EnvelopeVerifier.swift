public import Foundation
public import LienthongJSON

/// Checks every signature of a Lienthong envelope: the origin's against the member the message claims, each
/// forwarding hop's countersignature against the trust anchors.
///
/// The expected member is `message.consumer` for `"type": "request"`, `message.issuer` for `"receipt"`,
/// `message.sender` for a `"document"` sent between agencies (`document-message.v1`; a registry's document response
/// names a `provider` instead, never both) and `message.provider` for every other type (`record` and other
/// responses). `signatures[0]` is the origin and must name that member. Each further signature
/// is a countersignature (see ``SignatureRole``): over the same signing input, valid, chaining to an anchor, not
/// revoked, allowing `digitalSignature`, from any member, reported in ``VerifiedSignature/member``. An envelope
/// without signatures, with a member outside `envelope.v1` or with one signature twice is rejected.
public enum EnvelopeVerifier {
    /// The member whose signatures `message` needs: `consumer` for requests, `issuer` for receipts, `sender` for
    /// documents between agencies, `provider` otherwise.
    /// - Throws: ``TrustError/Code/malformedEnvelope`` if `type` or that member is missing, or a document names both
    ///   a sender and a provider (whose signature it needs would be ambiguous).
    public static func expectedMember(of message: JSONValue) throws(TrustError) -> String {
        guard let type = message["type"]?.stringValue else {
            throw TrustError(.malformedEnvelope, "message.type missing")
        }
        // By code points, as every comparison of a signed value (a `switch` on strings would use canonical equivalence).
        let isDocument = type.hasSameCodePoints(as: "document")
        if isDocument && message["sender"] != nil && message["provider"] != nil {
            throw TrustError(.malformedEnvelope, "message names both a sender and a provider")
        }
        let field: String
        if type.hasSameCodePoints(as: "request") {
            field = "consumer"
        } else if type.hasSameCodePoints(as: "receipt") {
            field = "issuer"
        } else if isDocument && message["sender"] != nil {
            field = "sender"
        } else {
            field = "provider"
        }
        guard let member = message[field]?.stringValue, !member.isEmpty else {
            throw TrustError(.malformedEnvelope, "message.\(field) missing")
        }
        return member
    }

    /// Verifies every signature of `envelope` at `time`: the origin for the message's member, countersignatures
    /// for any member.
    /// - Returns: the message and the verified signatures, in envelope order (origin first).
    /// - Throws: the first failing signature's ``TrustError`` (its detail names the signature index),
    ///   ``TrustError/Code/duplicateSignature`` for a signature listed twice, what ``EnvelopeParser`` throws for the
    ///   envelope's shape, or ``TrustError/Code/malformedEnvelope``.
    public static func verify(
        _ envelope: JSONValue, trust: CertificateVerifier, at time: Date
    ) throws(TrustError) -> VerifiedEnvelope {
        let (message, signatures) = try EnvelopeParser.shape(of: envelope)
        guard !signatures.isEmpty else { throw TrustError(.malformedEnvelope, "envelope is not signed") }
        let member = try expectedMember(of: message)
        let payload = try EnvelopeSigner.canonicalPayload(message)
        var verified: [VerifiedSignature] = []
        var received: [JWSSignature] = []
        var seen: [String: Int] = [:]
        for (index, json) in signatures.enumerated() {
            do throws(TrustError) {
                let signature = try JWSSignature(json: json)
                received.append(signature)
                let expected = SignatureRole(index: index) == .origin ? member : nil
                let checked = try JWSVerifier.verify(
                    signature, payload: payload, trust: trust, expectedMember: expected, at: time)
                // The canonical form, so that an ECDSA signature and its malleated twin count as one signature.
                if let first = seen.updateValue(index, forKey: checked.canonicalValue) {
                    throw TrustError(.duplicateSignature, "repeats signatures[\(first)]")
                }
                verified.append(checked)
            } catch {
                throw TrustError(error.code, "signatures[\(index)]: \(error.detail)")
            }
        }
        return VerifiedEnvelope(
            message: message, member: member, signatures: verified, payload: payload, received: received)
    }

    /// Parses an envelope from `bytes` (see ``EnvelopeParser``) and verifies every signature at `time`.
    /// - Throws: ``TrustError/Code/envelopeTooLarge``, ``TrustError/Code/duplicateKey`` or
    ///   ``TrustError/Code/malformedEnvelope`` from parsing, then what ``verify(_:trust:at:)`` throws.
    public static func verify(
        bytes: some Collection<UInt8>, trust: CertificateVerifier, at time: Date,
        maxEnvelopeBytes: Int = EnvelopeParser.defaultMaxEnvelopeBytes
    ) throws(TrustError) -> VerifiedEnvelope {
        try verify(EnvelopeParser.parse(bytes, maxEnvelopeBytes: maxEnvelopeBytes), trust: trust, at: time)
    }
}
