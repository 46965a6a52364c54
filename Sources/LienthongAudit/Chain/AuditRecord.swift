public import LienthongJSON

/// A record of the hash-chained audit log, as stored and as exported.
///
/// `hash` is the lowercase hex SHA-256 of the RFC 8785 canonical form of ``content``, which includes
/// `seq` and `prevHash`: anyone with a JCS library can recompute the chain.
public struct AuditRecord: Sendable, Hashable {
    public var seq: Int64
    /// RFC 3339 UTC time with milliseconds.
    public var recordedAt: String
    public var requestID: String
    public var consumer: String?
    public var provider: String?
    public var service: String?
    public var purpose: String?
    /// HMAC-SHA-256 (hex) of the subject's identifier under the node's audit secret.
    public var subjectHMAC: String?
    public var fields: [String]
    public var outcome: AuditEvent.Outcome
    public var status: Int
    public var problemCode: String?
    public var latencyMicroseconds: Int
    public var messageSHA256: String?
    public var prevHash: String
    public var hash: String

    /// The chained content: every member but `hash`.
    public var content: JSONValue {
        var object: [String: JSONValue] = [
            "seq": .number(JSONNumber(Int(seq))),
            "recordedAt": .string(recordedAt),
            "requestId": .string(requestID),
            "fields": .array(fields.map { .string($0) }),
            "outcome": .string(outcome.rawValue),
            "status": .number(JSONNumber(status)),
            "latencyMicroseconds": .number(JSONNumber(latencyMicroseconds)),
            "prevHash": .string(prevHash),
        ]
        let optional: [(String, String?)] = [
            ("consumer", consumer), ("provider", provider), ("service", service), ("purpose", purpose),
            ("subjectHmac", subjectHMAC), ("problemCode", problemCode), ("messageSha256", messageSHA256),
        ]
        for (name, value) in optional {
            if let value { object[name] = .string(value) }
        }
        return .object(object)
    }

    /// The record as an export line: the content plus its `hash`.
    public var json: JSONValue {
        guard case .object(var object) = content else { return content }
        object["hash"] = .string(hash)
        return .object(object)
    }
}
