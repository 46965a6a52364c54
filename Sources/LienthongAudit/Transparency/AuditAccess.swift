public import LienthongJSON

/// One release of a person's data, as the citizen transparency page shows it: who read which fields, when,
/// for what purpose.
public struct AuditAccess: Sendable, Hashable {
    /// When the exchange happened (RFC 3339 UTC, milliseconds).
    public var time: String
    /// The consumer that read the data.
    public var consumer: String?
    /// The service used.
    public var service: String?
    /// The declared purpose code.
    public var purpose: String?
    /// The fields released (or asked for, when refused).
    public var fields: [String]
    /// Whether the request was refused (policy, authentication or replay checks): nothing was released.
    public var refused: Bool
    /// The problem `code` of a refused request, e.g. `access-denied`.
    public var reason: String?

    /// An access from its parts.
    public init(
        time: String, consumer: String?, service: String?, purpose: String?, fields: [String], refused: Bool = false,
        reason: String? = nil
    ) {
        self.time = time
        self.consumer = consumer
        self.service = service
        self.purpose = purpose
        self.fields = fields
        self.refused = refused
        self.reason = reason
    }

    /// The access an allowed or denied record describes.
    public init(record: AuditRecord) {
        let refused = record.outcome == .denied
        self.init(
            time: record.recordedAt, consumer: record.consumer, service: record.service, purpose: record.purpose,
            fields: record.fields, refused: refused, reason: refused ? record.problemCode : nil)
    }

    /// `{"time","consumer","service","purpose","fields","outcome"}`, `outcome` `allowed` or `refused`, and a
    /// refusal's `reason`; absent members are `null`.
    public var json: JSONValue {
        var object: JSONObject = [
            "time": .string(time), "consumer": consumer.map { .string($0) } ?? .null,
            "service": service.map { .string($0) } ?? .null, "purpose": purpose.map { .string($0) } ?? .null,
            "fields": .array(fields.map { .string($0) }), "outcome": .string(refused ? "refused" : "allowed"),
        ]
        if refused { object["reason"] = reason.map { .string($0) } ?? .null }
        return .object(object)
    }
}
