import LienthongJSON

/// What an envelope answer carries and what the audit records of it.
struct LookupProjection: Sendable {
    /// The message `type`: `record` or `profile`.
    var type: String
    /// The schema id of the payload.
    var schema: String
    /// The payload's member name and value.
    var payload: (name: String, value: JSONValue)
    /// One audit record each.
    var parts: [AuditedExchange.Part]
}
