public import Foundation

/// One exchange as the gateway reports it to the audit log: allowed, denied or failed.
///
/// `subjectKey` is the registry key in clear; the log stores only its keyed hash.
public struct AuditEvent: Sendable, Hashable {
    /// How the exchange ended.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// The record was released.
        case allowed
        /// Policy, authentication or replay checks refused the request.
        case denied
        /// The exchange failed (upstream, validation, internal error).
        case failed
    }

    /// When the exchange happened.
    public var time: Date
    /// The request id.
    public var requestID: String
    /// The consumer, if authenticated.
    public var consumer: String?
    /// The provider member.
    public var provider: String?
    /// The service id.
    public var service: String?
    /// The purpose code.
    public var purpose: String?
    /// The registry key in clear (stored only as a keyed hash).
    public var subjectKey: String?
    /// The fields released or asked for.
    public var fields: [String]
    /// How the exchange ended.
    public var outcome: Outcome
    /// The HTTP status.
    public var status: Int
    /// The problem `code` when denied or failed.
    public var problemCode: String?
    /// Time from request to response, in microseconds.
    public var latencyMicroseconds: Int
    /// Base64url SHA-256 of the canonical (JCS) signed message, for allowed lookups.
    public var messageSHA256: String?
    /// Base64url SHA-256 of the canonical (JCS) message of a signed request (the response's `requestHash`); `nil`
    /// for an unsigned lookup.
    public var requestSHA256: String?
    /// Base64url SHA-256 of a document released beside the message (the message's `document.sha256`).
    public var documentSHA256: String?

    /// An event; only `time`, `requestID`, `outcome` and `status` are required.
    public init(
        time: Date, requestID: String, consumer: String? = nil, provider: String? = nil, service: String? = nil,
        purpose: String? = nil, subjectKey: String? = nil, fields: [String] = [], outcome: Outcome, status: Int,
        problemCode: String? = nil, latencyMicroseconds: Int = 0, messageSHA256: String? = nil,
        requestSHA256: String? = nil,
        documentSHA256: String? = nil
    ) {
        self.time = time
        self.requestID = requestID
        self.consumer = consumer
        self.provider = provider
        self.service = service
        self.purpose = purpose
        self.subjectKey = subjectKey
        self.fields = fields
        self.outcome = outcome
        self.status = status
        self.problemCode = problemCode
        self.latencyMicroseconds = latencyMicroseconds
        self.messageSHA256 = messageSHA256
        self.requestSHA256 = requestSHA256
        self.documentSHA256 = documentSHA256
    }
}
