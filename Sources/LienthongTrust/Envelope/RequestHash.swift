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
        // The members written in RFC 8785 order (the names are ASCII: byte order) straight into one buffer: every
        // unsigned lookup hashes this object, and building a tree to sort and serialise it cost more than the hash.
        var canonical: [UInt8] = []
        canonical.reserveCapacity(256)
        let members: [(String, String)] = [
            ("consumer", consumer), ("method", method.uppercased()), ("path", path), ("purpose", purpose),
            ("query", query), ("requestId", requestId),
        ]
        for (name, value) in members {
            canonical.append(canonical.isEmpty ? UInt8(ascii: "{") : UInt8(ascii: ","))
            JSONValue.appendString(name, to: &canonical)
            canonical.append(UInt8(ascii: ":"))
            JSONValue.appendString(value, to: &canonical)
        }
        canonical.append(UInt8(ascii: "}"))
        return Base64URL.encode(Digest.sha256(canonical))
    }
}
