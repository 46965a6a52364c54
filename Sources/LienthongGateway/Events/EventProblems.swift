import LienthongAccess
import LienthongCore

/// The problems of change events (`/v1/subscriptions`, `/v1/events`); each bad input has its own code.
enum EventProblems {
    /// The subscription body breaks its rules at `pointer` (a location, never a value).
    static func invalidSubscription(_ pointer: String, _ rule: String) -> Problem {
        Problem(
            status: 400, code: "event.invalid-subscription", title: "Invalid subscription",
            detail: "The subscription is not valid: \(rule).", extensions: ["pointer": .string(pointer)])
    }

    /// A query parameter of `GET /v1/events` is missing or out of range.
    static func invalidQuery(_ parameter: String, _ rule: String) -> Problem {
        Problem(
            status: 400, code: "event.invalid-query", title: "Invalid event query",
            detail: "Query parameter \(parameter) \(rule).", extensions: ["parameter": .string(parameter)])
    }

    static let unknownService = Problem(
        status: 422, code: "event.unknown-service", title: "Unknown event service",
        detail: "No registry of this node publishes events for this service.")

    /// `type` is not an event type the service's registry declares.
    static func unknownEventType(_ type: String) -> Problem {
        Problem(
            status: 422, code: "event.unknown-event-type", title: "Unknown event type",
            detail: "The service's registry declares no such event type.", extensions: ["eventType": .string(type)])
    }

    static let unknownPurpose = Problem(
        status: 400, code: "event.unknown-purpose", title: "Unknown purpose",
        detail: "The purpose is not a purpose of this exchange.")

    static let purposeNotGranted = Problem(
        status: 403, code: "event.purpose-not-granted", title: "Purpose not granted",
        detail: "No events grant of this consumer for this service names this purpose.")

    /// No `events` grant covers the consumer, the service and every event type asked (`reason` says which part).
    static func notGranted(_ reason: String) -> Problem {
        Problem(
            status: 403, code: "event.not-granted", title: "Events not granted",
            detail: "No events grant lets this consumer receive these events of this service.",
            extensions: ["reason": .string(reason)])
    }

    /// The problem of a refusal by ``EventPolicy``.
    static func refused(_ refusal: EventPolicy.Refusal) -> Problem {
        switch refusal {
        case .unknownPurpose: unknownPurpose
        case .purposeNotGranted: purposeNotGranted
        case .noGrantForService, .eventTypeNotGranted, .conditionFailed: notGranted(refusal.rawValue)
        }
    }

    static let subscriptionNotFound = Problem(
        status: 404, code: "event.subscription-not-found", title: "Subscription not found",
        detail: "No subscription with this id is visible to the caller.")

    /// `after` lies before the oldest event kept: events between were dropped by the retention.
    static func sequenceExpired(firstRetained: Int64) -> Problem {
        Problem(
            status: 410, code: "event.sequence-expired", title: "Sequence no longer retained",
            detail: "Events after this sequence are no longer kept; resynchronise, then read from the oldest kept.",
            extensions: ["firstRetained": .number(.init(Int(firstRetained)))])
    }

    static let storeUnavailable = Problem(
        status: 503, code: "event.store-unavailable", title: "Event store unavailable",
        detail: "The events could not be read or written now; try again later.")
}
