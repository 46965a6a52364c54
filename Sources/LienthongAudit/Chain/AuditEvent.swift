public import Foundation

/// One exchange as the gateway reports it to the audit log: allowed, denied or failed.
///
/// `subjectKey` is the registry key in clear; the log stores only its keyed hash.
public struct AuditEvent: Sendable, Hashable {
    /// How the exchange ended.
    public enum Outcome: String, Sendable, Hashable, Codable {
        case allowed, denied, failed
    }

    public var time: Date
    public var requestID: String
    public var consumer: String?
    public var provider: String?
    public var service: String?
    public var purpose: String?
    public var subjectKey: String?
    public var fields: [String]
    public var outcome: Outcome
    public var status: Int
    public var problemCode: String?
    public var latencyMicroseconds: Int
    /// Base64url SHA-256 of the canonical (JCS) signed message, for allowed lookups.
    public var messageSHA256: String?

    public init(
        time: Date, requestID: String, consumer: String? = nil, provider: String? = nil, service: String? = nil,
        purpose: String? = nil, subjectKey: String? = nil, fields: [String] = [], outcome: Outcome, status: Int,
        problemCode: String? = nil, latencyMicroseconds: Int = 0, messageSHA256: String? = nil
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
    }
}
