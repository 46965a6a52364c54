public import LienthongJSON

/// Reads a signed envelope from bytes off the wire or a file, before ``EnvelopeVerifier`` checks it.
///
/// The JSON is parsed strictly (RFC 8259 + I-JSON): a duplicate member name anywhere, in `message` above all,
/// would let two parsers see two different messages under one signature, so it is rejected with its own code.
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

    /// Parses `bytes` as an envelope-shaped JSON object.
    /// - Parameters:
    ///   - bytes: the UTF-8 JSON text.
    ///   - maxEnvelopeBytes: the largest envelope accepted.
    /// - Throws: ``TrustError/Code/envelopeTooLarge`` above `maxEnvelopeBytes`, ``TrustError/Code/duplicateKey``
    ///   for a member name repeated in one object, ``TrustError/Code/malformedEnvelope`` for any other JSON error or
    ///   a document that is not an object with an object `message` and an array `signatures`.
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
        guard let object = value.objectValue, object["message"]?.objectValue != nil,
            object["signatures"]?.arrayValue != nil
        else { throw TrustError(.malformedEnvelope, "envelope needs an object message and a signatures array") }
        return value
    }
}
