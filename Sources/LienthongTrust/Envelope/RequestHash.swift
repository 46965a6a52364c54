public import LienthongJSON

/// The `requestHash` a response envelope carries, binding it to the request it answers.
///
/// Two forms, both base64url (no padding) of a SHA-256 over RFC 8785 canonical JSON:
/// - **Signed request** (a `"type": "request"` envelope): `base64url(SHA-256(JCS(message)))`, the hash of the very
///   bytes the consumer signed, so a response names one signed request.
/// - **Unsigned lookup** (`GET /v1/records/…`): `base64url(SHA-256(JCS(o)))` where `o` is the object
///   `{"consumer", "method", "path", "purpose", "query", "requestId"}`, all strings: `method` upper-case
///   (`GET`), `path` the request path as received (percent-encoding kept, e.g. `/v1/records/population/001090012345`),
///   `query` the raw query string without `?` (`""` when there is none), `consumer` the authenticated consumer
///   member id, `purpose` the `Lienthong-Purpose` value, `requestId` the request id.
///
/// ```swift
/// let hash = RequestHash.lookup(
///     method: "GET", path: "/v1/records/population/001090012345", query: "fields=fullName",
///     consumer: "VN/GOV/BTC/DKKD", purpose: "enterprise-registration", requestId: requestID)
/// ```
public enum RequestHash {
    /// The hash of a signed request's message: `base64url(SHA-256(JCS(message)))`.
    /// - Throws: ``TrustError/Code/malformedEnvelope`` if `message` is not an object or cannot be canonicalised.
    public static func signedRequest(_ message: JSONValue) throws(TrustError) -> String {
        guard message.objectValue != nil else {
            throw TrustError(.malformedEnvelope, "request message is not an object")
        }
        return Base64URL.encode(Digest.sha256(try EnvelopeSigner.canonicalPayload(message)))
    }

    /// The hash of an unsigned lookup: `base64url(SHA-256(JCS({consumer, method, path, purpose, query, requestId})))`.
    /// - Parameters:
    ///   - method: the HTTP method; upper-cased before hashing.
    ///   - path: the path as received, percent-encoding kept.
    ///   - query: the raw query string without `?`, or `""`.
    ///   - consumer: the authenticated consumer member id.
    ///   - purpose: the purpose code.
    ///   - requestId: the request id.
    public static func lookup(
        method: String, path: String, query: String, consumer: String, purpose: String, requestId: String
    ) -> String {
        let object: JSONValue = .object([
            "method": .string(method.uppercased()), "path": .string(path), "query": .string(query),
            "consumer": .string(consumer), "purpose": .string(purpose), "requestId": .string(requestId),
        ])
        // An object of Swift strings always canonicalises: they are valid Unicode and there are no numbers.
        guard let canonical = try? JCS.canonicalize(object) else {
            preconditionFailure("JCS of an object of strings cannot fail")
        }
        return Base64URL.encode(Digest.sha256(canonical))
    }
}
