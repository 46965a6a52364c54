import Foundation
import LienthongAccess
import LienthongConnectors
import LienthongCore
import LienthongHTTP
import LienthongJSON
import LienthongNodeStore
import LienthongTrust

/// Change events for consumers: `POST /v1/subscriptions` subscribes under an `events` grant (checked like a lookup:
/// purpose, service, event types, validity), `GET|DELETE /v1/subscriptions/{id}` shows or ends it, and
/// `GET /v1/events` long-polls the registry's log past a sequence, each event projected to the granted fields.
///
/// One value per configuration snapshot (grants and keys may change on reload); the log is the node's.
struct EventExchange: Sendable {
    /// A registry that publishes events: its descriptor and each declared type's carried fields.
    struct Publisher: Sendable {
        let descriptor: RegistryDescriptor
        let types: Set<String>
    }

    /// The longest `GET /v1/events?wait=` in seconds.
    static let maxWaitSeconds = 30
    /// The most events one answer holds (and the default).
    static let maxLimit = 100
    /// The largest `after`: 2^53 - 1, the largest integer every JSON reader keeps exact.
    static let maxSequence: Int64 = 9_007_199_254_740_991

    let log: any EventLog
    let policy: EventPolicy
    /// The registries that declare events, by service id.
    let publishers: [String: Publisher]
    let signers: [ExchangeID: JWSSigningIdentity]
    let audit: AuditRecorder
    let now: @Sendable () -> Date

    /// The publishers of `configuration`: every registry whose file declares events.
    static func publishers(_ configuration: GatewayConfiguration) -> [String: Publisher] {
        var found: [String: Publisher] = [:]
        for descriptor in configuration.registries {
            let types = (descriptor.connector["events"]?["types"]?.arrayValue ?? []).compactMap { $0["type"]?.stringValue }
            guard !types.isEmpty else { continue }
            found[descriptor.service.description] = Publisher(descriptor: descriptor, types: Set(types))
        }
        return found
    }

    /// `POST /v1/subscriptions` for `consumer`: 201 with the subscription once stored (and audited).
    func subscribe(_ request: HTTPRequest, consumer: Consumer) async -> HTTPResponse {
        let started = now()
        let asked: SubscriptionRequest
        switch SubscriptionRequest.parse(request.body) {
        case .failure(let problem): return .problem(problem, requestID: nil)
        case .success(let parsed): asked = parsed
        }
        guard let publisher = publishers[asked.service] else {
            return await refuse(EventProblems.unknownService, asked, consumer: consumer, started: started)
        }
        if let unknown = asked.eventTypes.first(where: { !publisher.types.contains($0) }) {
            return await refuse(EventProblems.unknownEventType(unknown), asked, consumer: consumer, started: started)
        }
        let selection: FieldSelection
        switch decide(consumer: consumer.id, service: publisher.descriptor.service, asked.eventTypes, asked.purpose) {
        case .failure(let refusal):
            return await refuse(EventProblems.refused(refusal), asked, consumer: consumer, started: started)
        case .success(let granted): selection = granted
        }
        // A filter on a field the consumer may not see would tell it that field's value.
        if let filter = asked.filter, !selection.contains(filter.field.tokens.first ?? "") {
            return await refuse(
                EventProblems.notGranted("filter-field-not-granted"), asked, consumer: consumer, started: started)
        }
        let subscription: EventSubscription
        do {
            let head = try await log.state(registry: publisher.descriptor.name)?.lastSequence ?? 0
            subscription = EventSubscription(
                id: RandomUUID.lowercased(), consumer: consumer.id.description, service: asked.service,
                registry: publisher.descriptor.name, eventTypes: asked.eventTypes, purpose: asked.purpose,
                filter: asked.filter?.json.serializedBytes(), createdAt: started, startAfter: head)
            try await log.subscribe(subscription)
        } catch {
            return .problem(EventProblems.storeUnavailable, requestID: nil)
        }
        if let problem = await record(
            .subscribe, subscription.id, consumer: consumer.id.description, service: asked.service,
            purpose: asked.purpose, status: 201, problem: nil, started: started)
        {
            return .problem(problem, requestID: nil)
        }
        var response = HTTPResponse.json(Self.body(subscription), status: 201)
        response.headers["Location"] = "/v1/subscriptions/\(subscription.id)"
        return response
    }

    /// `GET /v1/subscriptions/{id}`: the subscription, to its consumer only.
    func subscription(_ id: String, consumer: Consumer) async -> HTTPResponse {
        switch await owned(id, by: consumer) {
        case .failure(let problem): .problem(problem, requestID: nil)
        case .success(let subscription): .json(Self.body(subscription))
        }
    }

    /// `DELETE /v1/subscriptions/{id}`: ends the subscription (204), to its consumer only.
    func unsubscribe(_ id: String, consumer: Consumer) async -> HTTPResponse {
        let started = now()
        let deleted: Bool
        do {
            deleted = try await log.unsubscribe(id: id, consumer: consumer.id.description)
        } catch {
            return .problem(EventProblems.storeUnavailable, requestID: nil)
        }
        guard deleted else { return .problem(EventProblems.subscriptionNotFound, requestID: nil) }
        _ = await record(
            .unsubscribe, id, consumer: consumer.id.description, service: nil, purpose: nil, status: 204, problem: nil,
            started: started)
        return HTTPResponse(status: 204, headers: ["Cache-Control": "no-store"], body: [])
    }

    /// The grant decision for `consumer` now.
    func decide(
        consumer: ExchangeID, service: ExchangeID, _ eventTypes: [String], _ purpose: String
    ) -> Result<FieldSelection, EventPolicy.Refusal> {
        policy.decide(
            consumer: consumer, service: service, eventTypes: eventTypes, purpose: purpose,
            date: Timestamp.date(now()))
    }

    /// The subscription `id` if `consumer` holds it; any other is not found, revealing nothing of others'.
    func owned(_ id: String, by consumer: Consumer) async -> Result<EventSubscription, Problem> {
        do {
            guard let found = try await log.subscription(id: id),
                found.consumer.hasSameCodePoints(as: consumer.id.description)
            else { return .failure(EventProblems.subscriptionNotFound) }
            return .success(found)
        } catch {
            return .failure(EventProblems.storeUnavailable)
        }
    }

    private func refuse(
        _ problem: Problem, _ asked: SubscriptionRequest, consumer: Consumer, started: Date
    ) async -> HTTPResponse {
        await record(
            .subscribe, RandomUUID.lowercased(), consumer: consumer.id.description, service: asked.service,
            purpose: asked.purpose, status: problem.status, problem: problem, started: started)
        return .problem(problem, requestID: nil)
    }

    static func body(_ subscription: EventSubscription) -> JSONValue {
        var body: JSONObject = [
            "id": .string(subscription.id), "service": .string(subscription.service),
            "registry": .string(subscription.registry),
            "eventTypes": .array(subscription.eventTypes.map(JSONValue.string)),
            "purpose": .string(subscription.purpose),
            "createdAt": .string(Timestamp.rfc3339(subscription.createdAt, milliseconds: true)),
            "after": .number(JSONNumber(Int(subscription.startAfter))),
        ]
        if let filter = subscription.filter, let value = try? JSONValue.parse(filter) { body["filter"] = value }
        return .object(body)
    }
}
