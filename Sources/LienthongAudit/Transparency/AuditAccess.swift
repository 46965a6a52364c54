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
    /// The fields released.
    public var fields: [String]

    /// An access from its parts.
    public init(time: String, consumer: String?, service: String?, purpose: String?, fields: [String]) {
        self.time = time
        self.consumer = consumer
        self.service = service
        self.purpose = purpose
        self.fields = fields
    }

    /// The access an allowed record describes.
    public init(record: AuditRecord) {
        self.init(
            time: record.recordedAt, consumer: record.consumer, service: record.service, purpose: record.purpose,
            fields: record.fields)
    }

    /// `{"time","consumer","service","purpose","fields"}`; absent members are `null`.
    public var json: JSONValue {
        .object([
            "time": .string(time), "consumer": consumer.map { .string($0) } ?? .null,
            "service": service.map { .string($0) } ?? .null, "purpose": purpose.map { .string($0) } ?? .null,
            "fields": .array(fields.map { .string($0) }),
        ])
    }
}
