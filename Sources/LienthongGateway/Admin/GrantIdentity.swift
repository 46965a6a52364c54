import LienthongHTTP
import LienthongJSON

/// What tells two entries of `grants.json` apart for the admin API: the kind (none for a lookup grant), the
/// consumer, and the service (lookups, events) or, for a `messages` grant, the recipient. A lookup grant and an
/// events grant of one consumer on one service are two grants: changing one leaves the other.
struct GrantIdentity: Equatable, Sendable {
    /// `nil` for a lookup grant, else `messages` or `events`.
    var kind: String?
    var consumer: String
    /// The service, or the recipient of a `messages` grant.
    var target: String

    /// The identity of a grant object; `nil` when it lacks what names it.
    init?(grant: JSONValue) {
        kind = grant["kind"]?.stringValue
        let target = kind == "messages" ? grant["recipient"] : grant["service"]
        guard let consumer = grant["consumer"]?.stringValue, let target = target?.stringValue else { return nil }
        self.consumer = consumer
        self.target = target
    }

    /// The identity a `DELETE /v1/grants` names: `?consumer=` with `?service=` (and `?kind=events` for an events
    /// grant; `?kind=lookup` or none for a lookup grant) or with `?recipient=` (a `messages` grant).
    init?(query request: HTTPRequest) {
        guard let consumer = request.queryValue("consumer") else { return nil }
        let kind = request.queryValue("kind")
        switch (request.queryValue("service"), request.queryValue("recipient")) {
        case (let service?, nil) where kind == nil || kind == "lookup" || kind == "events":
            self.kind = kind == "events" ? "events" : nil
            target = service
        case (nil, let recipient?) where kind == nil || kind == "messages":
            self.kind = "messages"
            target = recipient
        default:
            return nil
        }
        self.consumer = consumer
    }

    /// Identifiers compare by code points, as every value in the configuration does.
    static func == (lhs: GrantIdentity, rhs: GrantIdentity) -> Bool {
        lhs.kind == rhs.kind && lhs.consumer.hasSameCodePoints(as: rhs.consumer)
            && lhs.target.hasSameCodePoints(as: rhs.target)
    }
}
