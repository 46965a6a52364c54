public import LienthongJSON

/// A record of the hash-chained audit log, as stored and as exported.
///
/// `hash` is the lowercase hex SHA-256 of the RFC 8785 canonical form of ``content``, which includes
/// `seq` and `prevHash`: anyone with a JCS library can recompute the chain.
public struct AuditRecord: Sendable, Hashable {
    /// The position in the chain, from 1.
    public var seq: Int64
    /// RFC 3339 UTC time with milliseconds.
    public var recordedAt: String
    /// The request id of the exchange.
    public var requestID: String
    /// The consumer member or subsystem, if known.
    public var consumer: String?
    /// The provider member, if known.
    public var provider: String?
    /// The service id, if known.
    public var service: String?
    /// The purpose code, if given.
    public var purpose: String?
    /// HMAC-SHA-256 (hex) of the subject's identifier under the node's audit secret.
    public var subjectHMAC: String?
    /// The fields released (or asked for, when denied).
    public var fields: [String]
    /// How the exchange ended.
    public var outcome: AuditEvent.Outcome
    /// The HTTP status of the response.
    public var status: Int
    /// The problem `code` of a denied or failed exchange.
    public var problemCode: String?
    /// Time from request to response, in microseconds.
    public var latencyMicroseconds: Int
    /// Base64url SHA-256 of the canonical signed message, for allowed lookups.
    public var messageSHA256: String?
    /// Base64url SHA-256 of the canonical message of a signed request (its `requestHash`), for signed requests
    /// only: absent from the content, and so from the hash, otherwise (records of older logs verify unchanged).
    public var requestSHA256: String?
    /// Base64url SHA-256 of the document released with the message, for allowed document exchanges.
    public var documentSHA256: String?
    /// The node (one process of a member) whose chain holds the record, when several nodes share one store;
    /// `nil` for a node's own embedded log (records of such logs hash as before).
    public var nodeID: String?
    /// The previous record's hash (``AuditChain/genesisHash`` for the first).
    public var prevHash: String
    /// Lowercase hex SHA-256 of JCS(``content``).
    public var hash: String

    /// A record from its members (as stored or exported); ``AuditChain/append(_:subjectHMAC:)`` makes new ones.
    public init(
        seq: Int64, recordedAt: String, requestID: String, consumer: String? = nil, provider: String? = nil,
        service: String? = nil, purpose: String? = nil, subjectHMAC: String? = nil, fields: [String] = [],
        outcome: AuditEvent.Outcome, status: Int, problemCode: String? = nil, latencyMicroseconds: Int = 0,
        messageSHA256: String? = nil, requestSHA256: String? = nil, documentSHA256: String? = nil, prevHash: String,
        hash: String, nodeID: String? = nil
    ) {
        self.seq = seq
        self.recordedAt = recordedAt
        self.requestID = requestID
        self.consumer = consumer
        self.provider = provider
        self.service = service
        self.purpose = purpose
        self.subjectHMAC = subjectHMAC
        self.fields = fields
        self.outcome = outcome
        self.status = status
        self.problemCode = problemCode
        self.latencyMicroseconds = latencyMicroseconds
        self.messageSHA256 = messageSHA256
        self.requestSHA256 = requestSHA256
        self.documentSHA256 = documentSHA256
        self.prevHash = prevHash
        self.hash = hash
        self.nodeID = nodeID
    }

    /// The chained content: every member but `hash`.
    public var content: JSONValue {
        var object: JSONObject = [
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
            ("requestSha256", requestSHA256),
            ("documentSha256", documentSHA256), ("nodeId", nodeID),
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
