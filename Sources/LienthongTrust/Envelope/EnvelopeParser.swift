public import LienthongJSON

/// Reads a signed envelope from bytes off the wire or a file, before ``EnvelopeVerifier`` checks it.
///
/// The JSON is parsed strictly (RFC 8259 + I-JSON): a duplicate member name anywhere, in `message` above all,
/// would let two parsers see two different messages under one signature, so it is rejected with its own code. The
/// envelope holds nothing outside `envelope.v1` (`schemas/envelope.v1.json`): a further member would travel with
/// the message unsigned, so it is refused too, as are more than ``maxSignatures`` signatures.
///
/// ```swift
/// let envelope = try EnvelopeParser.parse(body, maxEnvelopeBytes: 1 << 20)
/// let verified = try EnvelopeVerifier.verify(envelope, trust: verifier, at: .now)
/// ```
public enum EnvelopeParser {
    /// The default size limit: 4 MiB.
    public static let defaultMaxEnvelopeBytes = 4 * 1024 * 1024
    /// The deepest nesting accepted in an envelope.
    public static let maxDepth = 128
    /// The most signatures an envelope may carry: the origin and up to seven forwarding hops (`maxItems` in
    /// `envelope.v1`). Each costs a chain validation, so the bound is also the most work one envelope can ask for.
    public static let maxSignatures = 8
    /// The members of an envelope, as `envelope.v1` lists them.
    static let members = ["message", "signatures"]

    /// Parses `bytes` as an envelope-shaped JSON object.
    /// - Parameters:
    ///   - bytes: the UTF-8 JSON text.
    ///   - maxEnvelopeBytes: the largest envelope accepted.
    /// - Throws: ``TrustError/Code/envelopeTooLarge`` above `maxEnvelopeBytes`, ``TrustError/Code/duplicateKey``
    ///   for a member name repeated in one object, ``TrustError/Code/malformedEnvelope`` for any other JSON error or
    ///   a document that is not an object with an object `message` and an array `signatures`, what
    ///   ``shape(of:)`` throws.
    public static func parse(
        _ bytes: some Collection<UInt8>, maxEnvelopeBytes: Int = defaultMaxEnvelopeBytes
    ) throws(TrustError) -> JSONValue {
        guard bytes.count <= maxEnvelopeBytes else {
            throw TrustError(.envelopeTooLarge, "envelope is \(bytes.count) bytes, limit \(maxEnvelopeBytes)")
        }
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes, limits: JSONLimits(maxDepth: maxDepth, maxBytes: maxEnvelopeBytes))
        } catch {
            let at = error.pointer ?? error.offset.map { "offset \($0)" } ?? "-"
            if error.code == .duplicateKey {
                throw TrustError(.duplicateKey, "duplicate member name at \(at)")
            }
            throw TrustError(.malformedEnvelope, "envelope is not JSON (\(error.code.wireCode) at \(at))")
        }
        _ = try shape(of: value)
        return value
    }

    /// The message and signatures of an envelope-shaped value, checked against `envelope.v1` at the top level.
    /// - Throws: ``TrustError/Code/malformedEnvelope`` if `value` is not an object with an object `message` and an
    ///   array `signatures`, ``TrustError/Code/unknownMember`` for any other member,
    ///   ``TrustError/Code/tooManySignatures`` above ``maxSignatures``.
    static func shape(of value: JSONValue) throws(TrustError) -> (message: JSONValue, signatures: [JSONValue]) {
        guard let object = value.objectValue, let message = object["message"], message.objectValue != nil,
            let signatures = object["signatures"]?.arrayValue
        else { throw TrustError(.malformedEnvelope, "envelope needs an object message and a signatures array") }
        for name in object.keys.sorted() where !members.contains(where: { $0.hasSameCodePoints(as: name) }) {
            throw TrustError(.unknownMember, "envelope member \"\(name.prefix(32))\" is not in envelope.v1")
        }
        guard signatures.count <= maxSignatures else {
            throw TrustError(.tooManySignatures, "\(signatures.count) signatures, limit \(maxSignatures)")
        }
        return (message, signatures)
    }
}
