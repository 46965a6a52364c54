import Foundation
import LienthongCore
import LienthongHTTP
import LienthongJSON
import LienthongSchema
import LienthongTrust

/// A signed request envelope read from a `POST` body: well formed, its message valid against `request.v1` and in
/// agreement with the path, but not yet verified (``SignedRequestVerifier`` does that once the caller is known).
///
/// The message (`schemas/request.v1.json`): `type` `"request"`, `id` (the request id), `issuedAt`, `consumer`,
/// `service`, `operation` (`record`, `profile` or `profile-part`), `purpose`, `registry`, `key` and, for records,
/// `fields`.
struct SignedRequest: Sendable {
    /// The largest signed request envelope accepted (a request with its certificate chains fits in a few KiB).
    static let maxEnvelopeBytes = 64 * 1024
    /// The media types a signed request may be sent as.
    static let mediaTypes: Set<String> = ["application/lienthong-envelope+json", "application/json"]

    /// What the request asks for, from the route.
    enum Operation: String, Sendable {
        case record
        case profile
        /// One part of a profile, asked by the node that assembles it of the node that serves the part's registry.
        case profilePart = "profile-part"
    }

    /// The envelope as parsed (verified later against the trust anchors).
    let envelope: JSONValue
    /// The message `id`: the exchange's request id.
    let requestID: String
    /// What the replay window remembers of the request id: the id, or for a profile part the id and the part's
    /// registry, since the assembling node asks each part with the profile's one request id and a node may serve
    /// two parts.
    let replayID: String
    /// The message `issuedAt`.
    let issuedAt: Date
    /// The message `consumer`.
    let consumer: String
    /// The message `purpose`.
    let purpose: String
    /// The message `fields`, comma-separated as in `?fields=`, if any.
    let fields: String?
    /// `RequestHash.signedRequest(message)`: the response's `requestHash` and the audit record's `requestSha256`.
    let requestHash: String

    /// Reads the body of a signed request for `operation` on `registry`/`key` (the decoded path segments).
    /// - Parameters:
    ///   - schema: the compiled `request.v1` schema.
    ///   - service: the service of `registry`, if this node serves it (else the lookup answers `unknown-registry`).
    /// - Returns: the request, or the problem: 415 for another media type, 413 `trust.envelope-too-large`,
    ///   400 `trust.duplicate-key` / `trust.malformed-envelope` (not JSON, not an envelope, no signature),
    ///   400 `invalid-signed-request` (the message breaks `request.v1`), 400 `request-mismatch` (the path or a
    ///   `Lienthong-Request-Id` / `Lienthong-Purpose` header disagrees with the message).
    static func read(
        _ request: HTTPRequest, operation: Operation, registry: String, key: String, schema: JSONSchema,
        service: String?
    ) -> Result<SignedRequest, Problem> {
        let mediaType = request.headers["Content-Type"]?.split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let mediaType, mediaTypes.contains(mediaType) else {
            return .failure(GatewayProblems.unsupportedMediaType)
        }
        let envelope: JSONValue
        do {
            envelope = try EnvelopeParser.parse(request.body, maxEnvelopeBytes: maxEnvelopeBytes)
        } catch {
            return .failure(error.problem)
        }
        let signatures = envelope["signatures"]?.arrayValue ?? []
        guard !signatures.isEmpty else {
            return .failure(TrustError(.malformedEnvelope, "the request envelope is not signed").problem)
        }
        let message = envelope["message"] ?? [:]
        let validation = schema.validate(message)
        guard validation.isValid else {
            return .failure(GatewayProblems.invalidSignedRequest(at: validation.errors.first?.instanceLocation ?? ""))
        }
        // The schema guarantees the shape; a missing member below is only reached if it changes.
        func text(_ name: String) -> String { message[name]?.stringValue ?? "" }
        let agreements: [(member: String, expected: String?)] = [
            ("operation", operation.rawValue), ("registry", registry), ("key", key), ("service", service),
            ("id", request.headers["Lienthong-Request-Id"]?.lowercased()),
            ("purpose", request.headers["Lienthong-Purpose"]),
        ]
        for (member, expected) in agreements where expected != nil && text(member) != expected {
            return .failure(GatewayProblems.requestMismatch(member))
        }
        guard let issuedAt = Timestamp.parse(text("issuedAt")) else {
            return .failure(GatewayProblems.invalidSignedRequest(at: "/issuedAt"))
        }
        let requestHash: String
        do {
            requestHash = try RequestHash.signedRequest(message)
        } catch {
            return .failure(error.problem)
        }
        let fields = message["fields"]?.arrayValue?.compactMap(\.stringValue).joined(separator: ",")
        return .success(
            SignedRequest(
                envelope: envelope, requestID: text("id"),
                replayID: operation == .profilePart ? "\(text("id"))|\(registry)" : text("id"), issuedAt: issuedAt,
                consumer: text("consumer"),
                purpose: text("purpose"), fields: fields, requestHash: requestHash))
    }
}
