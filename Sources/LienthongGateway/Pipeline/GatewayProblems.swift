import LienthongAccess
import LienthongCore
import LienthongJSON

/// The problems the pipeline itself raises (connectors, access, trust and identifiers bring their own).
enum GatewayProblems {
    static func unauthenticated(_ detail: String) -> Problem {
        Problem(status: 401, code: "unauthenticated", title: "Authentication required", detail: detail)
    }

    /// The client certificate is revoked (by a configured CRL or its OCSP responder).
    static let certificateRevoked = Problem(
        status: 401, code: "trust.revoked-certificate", title: "Client certificate revoked",
        detail: "The client certificate is revoked."
    )

    /// No current revocation information for the client certificate, and the node is set to fail closed.
    static let revocationUnavailable = Problem(
        status: 503, code: "trust.revocation-unavailable", title: "Revocation status unavailable",
        detail: "The revocation status of the client certificate cannot be established now; try again later."
    )

    static let purposeRequired = Problem(
        status: 400, code: "purpose-required", title: "Purpose required",
        detail: "Every lookup states its purpose in the Lienthong-Purpose header."
    )

    static let invalidRequestID = Problem(
        status: 400, code: "invalid-request-id", title: "Invalid request id",
        detail: "Lienthong-Request-Id must be a UUID."
    )

    static let unsupportedMediaType = Problem(
        status: 415, code: "unsupported-media-type", title: "Unsupported media type",
        detail: "Send a signed request as application/lienthong-envelope+json (or application/json)."
    )

    /// The signed request's message breaks `request.v1` at `pointer` (a location, never a value).
    static func invalidSignedRequest(at pointer: String) -> Problem {
        Problem(
            status: 400, code: "invalid-signed-request", title: "Invalid signed request",
            detail: "The request message does not match schema request.v1.",
            extensions: ["pointer": .string(pointer)]
        )
    }

    /// The path or a header disagrees with `member` of the signed request's message.
    static func requestMismatch(_ member: String) -> Problem {
        Problem(
            status: 400, code: "request-mismatch", title: "Request disagrees with its signed message",
            detail: "The path and headers must repeat what the signed message says.",
            extensions: ["member": .string(member)]
        )
    }

    static let consumerMismatch = Problem(
        status: 403, code: "consumer-mismatch", title: "Request of another consumer",
        detail: "The signed message names another consumer than the authenticated caller."
    )

    static func unknownRegistry(_ name: String) -> Problem {
        Problem(
            status: 404, code: "unknown-registry", title: "Unknown registry",
            detail: "No registry named '\(name.prefix(64))' is served by this node."
        )
    }

    static func recordNotFound(_ registry: String) -> Problem {
        Problem(
            status: 404, code: "record-not-found", title: "Record not found",
            detail: "Registry '\(registry)' holds no record with this key."
        )
    }

    static func documentsNotOffered(_ registry: String) -> Problem {
        Problem(
            status: 404, code: "documents-not-offered", title: "No documents",
            detail: "Registry '\(registry)' serves no documents."
        )
    }

    static func documentNotFound(_ registry: String) -> Problem {
        Problem(
            status: 404, code: "document-not-found", title: "Document not found",
            detail: "Registry '\(registry)' holds no document for this key."
        )
    }

    /// Audited when a consumer leaves before a streamed document ended (never sent: nobody is listening).
    static let clientClosed = Problem(
        status: 499, code: "client-closed", title: "Client closed the connection",
        detail: "The consumer stopped reading before the document ended."
    )

    static let notFound = Problem(status: 404, code: "not-found", title: "Not found", detail: "No such resource.")

    static let methodNotAllowed = Problem(
        status: 405, code: "method-not-allowed", title: "Method not allowed",
        detail: "This resource does not support the method."
    )

    static let invalidFields = Problem(
        status: 400, code: "invalid-fields", title: "Invalid fields parameter",
        detail: "fields is a comma-separated list of canonical field names."
    )

    static let auditUnavailable = Problem(
        status: 503, code: "audit-unavailable", title: "Audit log unavailable",
        detail: "The exchange could not be recorded, so no data was released."
    )

    /// The audit chain did not verify at start: nothing is exchanged until an operator seals the break.
    static let auditUnverified = Problem(
        status: 503, code: "audit-unavailable", title: "Audit log unavailable",
        detail: "The audit log did not verify at start; no exchange is served until an operator seals the break."
    )

    static let internalError = Problem(
        status: 500, code: "internal-error", title: "Internal error", detail: "The gateway failed to answer."
    )

    static func contractViolation(_ registry: String, _ detail: String) -> Problem {
        Problem(
            status: 502, code: "upstream-contract-violation", title: "The registry answered outside its contract",
            detail: detail, extensions: ["registry": .string(registry)]
        )
    }

    static let unknownSchema = Problem(
        status: 404, code: "unknown-schema", title: "Unknown schema", detail: "No schema with this id is published."
    )

    static func malformedJSON(_ offset: Int?) -> Problem {
        Problem(
            status: 400, code: "malformed-json", title: "Malformed JSON",
            detail: "The body is not JSON" + (offset.map { " (byte \($0))" } ?? "") + "."
        )
    }

    static let accessDenied = Problem(
        status: 403, code: "access-denied", title: "Access denied",
        detail: "These credentials do not cover this resource."
    )

    /// A rate limit was reached; `retryAfter` (whole seconds, rounded up) also goes into the `Retry-After` header.
    static func rateLimited(_ refusal: RateLimitStore<ContinuousClock>.Refusal) -> Problem {
        let (scope, service, detail): (String, ExchangeID, String)
        switch refusal.scope {
        case .consumer(let consumer, let limited):
            (scope, service) = ("consumer", limited)
            detail = "\(consumer) has used up its rate limit for service \(limited)."
        case .service(let limited):
            (scope, service) = ("service", limited)
            detail = "Service \(limited) has used up its rate limit across all consumers."
        }
        return Problem(
            status: 429, code: "rate-limited", title: "Too many requests", detail: detail,
            extensions: [
                "retryAfter": .number(JSONNumber(RateLimiter<ContinuousClock.Instant>.seconds(refusal.retryAfter))),
                "limit": ["scope": .string(scope), "service": .string(service.description)],
            ]
        )
    }

    static let invalidMonth = Problem(
        status: 400, code: "invalid-month", title: "Invalid month", detail: "month is required, as YYYY-MM."
    )

    static let invalidFormat = Problem(
        status: 400, code: "invalid-format", title: "Invalid format", detail: "format is json or csv."
    )
}
