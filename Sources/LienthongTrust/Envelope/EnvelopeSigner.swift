public import Foundation
public import LienthongCore
public import LienthongJSON

/// Signs Lienthong envelopes: `{ "message": {…}, "signatures": [ {protected, signature} ] }`.
///
/// The payload of every signature is `JCS(message)` (RFC 8785), so the envelope survives re-serialisation. The
/// origin signs in one place, ``sign(_:identity:issuedAt:)-(ExchangeMessage,_,_)``: the canonical message is
/// written once, signed, and is byte for byte the body's `message`. ``sign(message:identity:issuedAt:)`` is the
/// same signature as a tree, for callers that go on with one (print it, publish it, countersign it); a forwarding
/// hop adds its countersignature with ``countersign(_:identity:issuedAt:)`` (see ``SignatureRole``). The
/// key-and-chain forms check the identity on every call; a node prepares a ``JWSSigningIdentity`` once.
///
/// ```swift
/// let envelope = try EnvelopeSigner.sign(message: message, key: nodeKey, chain: nodeChain, issuedAt: .now)
/// let forwarded = try EnvelopeSigner.countersign(envelope, key: hopKey, chain: hopChain, issuedAt: .now)
/// ```
public enum EnvelopeSigner {
    /// A new envelope around `message` with one signature: the origin's.
    /// - Parameter algorithm: the JWS algorithm (default: the key's, e.g. ES256 for P-256).
    public static func sign(
        message: JSONValue, key: SigningKey, chain: [Certificate], algorithm: JWSAlgorithm? = nil, issuedAt: Date
    ) throws(TrustError) -> JSONValue {
        try sign(
            message: message, identity: JWSSigningIdentity(key: key, chain: chain, algorithm: algorithm),
            issuedAt: issuedAt)
    }

    /// A new envelope around `message` signed by a prepared identity, as a tree: the signature of
    /// ``sign(_:identity:issuedAt:)-(JSONValue,_,_)`` beside the message as given.
    public static func sign(
        message: JSONValue, identity: JWSSigningIdentity, issuedAt: Date
    ) throws(TrustError) -> JSONValue {
        let signed = try sign(message, identity: identity, issuedAt: issuedAt)
        return .object(["message": message, "signatures": .array([signed.signature.json])])
    }

    /// The response envelope of `message`, signed by a prepared identity, as bytes: the canonical message is
    /// written once, signed, and placed unchanged as the body's `message` (JCS output is JSON), so the body carries
    /// exactly the bytes that were signed.
    /// - Throws: ``TrustError/Code/malformedEnvelope`` if the message cannot be canonicalised; what ``JWSSigner``
    ///   throws.
    public static func sign(
        _ message: ExchangeMessage, identity: JWSSigningIdentity, issuedAt: Date
    ) throws(TrustError) -> SignedEnvelope {
        let payload: [UInt8]
        do {
            payload = try message.canonicalBytes()
        } catch {
            throw TrustError(.malformedEnvelope, "message cannot be canonicalised (\(error.code.wireCode))")
        }
        return try signCanonical(payload, identity: identity, issuedAt: issuedAt)
    }

    /// ``sign(_:identity:issuedAt:)-(ExchangeMessage,_,_)`` for a message that is not an exchange message (a
    /// receipt, a global configuration): canonicalised once, signed, and those bytes are the body's `message`.
    /// - Throws: ``TrustError/Code/malformedEnvelope`` if the message is not an object or cannot be canonicalised;
    ///   what ``JWSSigner`` throws.
    public static func sign(
        _ message: JSONValue, identity: JWSSigningIdentity, issuedAt: Date
    ) throws(TrustError) -> SignedEnvelope {
        guard message.objectValue != nil else {
            throw TrustError(.malformedEnvelope, "envelope needs an object message and a signatures array")
        }
        return try signCanonical(try canonicalPayload(message), identity: identity, issuedAt: issuedAt)
    }

    /// The envelope body around the canonical `payload` with the origin's signature over it.
    private static func signCanonical(
        _ payload: [UInt8], identity: JWSSigningIdentity, issuedAt: Date
    ) throws(TrustError) -> SignedEnvelope {
        try signCanonical(payload, after: [], identity: identity, issuedAt: issuedAt)
    }

    /// The envelope body around the canonical `payload` with the signatures `before`, then a new one over it.
    private static func signCanonical(
        _ payload: [UInt8], after before: [JWSSignature], identity: JWSSigningIdentity, issuedAt: Date
    ) throws(TrustError) -> SignedEnvelope {
        let signature = try JWSSigner.sign(payload: payload, identity: identity, issuedAt: issuedAt)
        let signatures = before + [signature]
        // Members in RFC 8785 order too, so the whole body is canonical.
        var body: [UInt8] = []
        body.reserveCapacity(
            payload.count + signatures.reduce(64) { $0 + $1.protected.utf8.count + $1.signature.utf8.count + 32 })
        body.append(contentsOf: #"{"message":"#.utf8)
        body.append(contentsOf: payload)
        body.append(contentsOf: #","signatures":["#.utf8)
        for (index, each) in signatures.enumerated() {
            body.append(contentsOf: (index == 0 ? #"{"protected":"# : #",{"protected":"#).utf8)
            JSONValue.appendString(each.protected, to: &body)
            body.append(contentsOf: #","signature":"#.utf8)
            JSONValue.appendString(each.signature, to: &body)
            body.append(UInt8(ascii: "}"))
        }
        body.append(contentsOf: "]}".utf8)
        return SignedEnvelope(body: body, messageSHA256: Base64URL.encode(Digest.sha256(payload)), signature: signature)
    }

    /// A verified envelope with a forwarding hop's countersignature appended, as bytes: the message is written as
    /// the canonical bytes the verification checked every signature over (``VerifiedEnvelope/payload``), and the
    /// new signature covers the same bytes, so a forwarding hop neither parses nor canonicalises the message again.
    /// - Throws: ``TrustError/Code/tooManySignatures`` if it already has ``EnvelopeParser/maxSignatures``; what
    ///   ``JWSSigner`` throws.
    public static func countersign(
        _ verified: VerifiedEnvelope, identity: JWSSigningIdentity, issuedAt: Date
    ) throws(TrustError) -> SignedEnvelope {
        guard verified.received.count < EnvelopeParser.maxSignatures else {
            throw TrustError(.tooManySignatures, "envelope already has \(verified.received.count) signatures")
        }
        return try signCanonical(verified.payload, after: verified.received, identity: identity, issuedAt: issuedAt)
    }

    /// The envelope with a forwarding hop's countersignature appended: over `JCS(message)` only, like the origin's,
    /// leaving the message and the signatures already there untouched.
    /// - Throws: ``TrustError/Code/malformedEnvelope`` if `envelope` is not an envelope, has no origin signature
    ///   yet, or its message cannot be canonicalised; ``TrustError/Code/tooManySignatures`` if it already has
    ///   ``EnvelopeParser/maxSignatures``; what ``JWSSigner`` throws for `key` and `chain`.
    public static func countersign(
        _ envelope: JSONValue, key: SigningKey, chain: [Certificate], algorithm: JWSAlgorithm? = nil, issuedAt: Date
    ) throws(TrustError) -> JSONValue {
        try countersign(
            envelope, identity: JWSSigningIdentity(key: key, chain: chain, algorithm: algorithm), issuedAt: issuedAt)
    }

    /// ``countersign(_:key:chain:algorithm:issuedAt:)`` with a prepared identity.
    public static func countersign(
        _ envelope: JSONValue, identity: JWSSigningIdentity, issuedAt: Date
    ) throws(TrustError) -> JSONValue {
        guard envelope["signatures"]?.arrayValue?.isEmpty == false else {
            throw TrustError(.malformedEnvelope, "envelope has no origin signature to countersign")
        }
        return try appendSignature(to: envelope, identity: identity, issuedAt: issuedAt)
    }

    private static func appendSignature(
        to envelope: JSONValue, identity: JWSSigningIdentity, issuedAt: Date
    ) throws(TrustError) -> JSONValue {
        guard var object = envelope.objectValue, let message = object["message"], message.objectValue != nil,
            let signatures = object["signatures"]?.arrayValue
        else { throw TrustError(.malformedEnvelope, "envelope needs an object message and a signatures array") }
        guard signatures.count < EnvelopeParser.maxSignatures else {
            throw TrustError(.tooManySignatures, "envelope already has \(signatures.count) signatures")
        }
        let signature = try JWSSigner.sign(
            payload: try canonicalPayload(message), identity: identity, issuedAt: issuedAt)
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
