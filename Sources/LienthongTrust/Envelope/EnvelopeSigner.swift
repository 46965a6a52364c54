public import Foundation
public import LienthongJSON

/// Signs Lienthong envelopes: `{ "message": {…}, "signatures": [ {protected, signature} ] }`.
///
/// The payload of every signature is `JCS(message)` (RFC 8785), so the envelope survives re-serialisation.
///
/// ```swift
/// let envelope = try EnvelopeSigner.sign(message: message, key: nodeKey, chain: nodeChain, issuedAt: .now)
/// ```
public enum EnvelopeSigner {
    /// A new envelope around `message` with one signature.
    /// - Parameter algorithm: the JWS algorithm (default: the key's, e.g. ES256 for P-256).
    public static func sign(
        message: JSONValue, key: SigningKey, chain: [Certificate], algorithm: JWSAlgorithm? = nil, issuedAt: Date
    ) throws(TrustError) -> JSONValue {
        try sign(message: message, identity: JWSSigningIdentity(key: key, chain: chain, algorithm: algorithm), issuedAt: issuedAt)
    }

    /// A new envelope around `message` signed with a prepared identity (the fast path for a node).
    public static func sign(message: JSONValue, identity: JWSSigningIdentity, issuedAt: Date) throws(TrustError) -> JSONValue {
        let envelope: JSONValue = .object(["message": message, "signatures": .array([])])
        return try addSignature(to: envelope, identity: identity, issuedAt: issuedAt)
    }

    /// The envelope with one more signature over its message (a forwarding hop's countersignature).
    /// - Throws: ``TrustError/Code/malformedEnvelope`` if `envelope` is not an envelope or its message cannot be
    ///   canonicalised.
    public static func addSignature(
        to envelope: JSONValue, key: SigningKey, chain: [Certificate], algorithm: JWSAlgorithm? = nil, issuedAt: Date
    ) throws(TrustError) -> JSONValue {
        try addSignature(
            to: envelope, identity: JWSSigningIdentity(key: key, chain: chain, algorithm: algorithm), issuedAt: issuedAt)
    }

    /// The envelope with one more signature over its message, made with a prepared identity.
    /// - Throws: ``TrustError/Code/malformedEnvelope`` if `envelope` is not an envelope or its message cannot be
    ///   canonicalised.
    public static func addSignature(
        to envelope: JSONValue, identity: JWSSigningIdentity, issuedAt: Date
    ) throws(TrustError) -> JSONValue {
        guard var object = envelope.objectValue, let message = object["message"], message.objectValue != nil,
            let signatures = object["signatures"]?.arrayValue
        else { throw TrustError(.malformedEnvelope, "envelope needs an object message and a signatures array") }
        let signature = try JWSSigner.sign(payload: try canonicalPayload(message), identity: identity, issuedAt: issuedAt)
        object["signatures"] = .array(signatures + [signature.json])
        return .object(object)
    }

    /// `JCS(message)`, the signed payload.
    static func canonicalPayload(_ message: JSONValue) throws(TrustError) -> [UInt8] {
        do {
            return try JCS.canonicalize(message)
        } catch {
            throw TrustError(.malformedEnvelope, "message cannot be canonicalised (\(error.code.wireCode))")
        }
    }
}
