import Foundation
import LienthongAccess
import LienthongAudit
import LienthongCore
import LienthongHTTP
import LienthongJSON
import LienthongNodeStore
import LienthongTrust

extension EventExchange {
    /// The query of `GET /v1/events`.
    struct EventQuery {
        let subscription: String
        let after: Int64?
        let wait: Int
        let limit: Int
    }

    /// `GET /v1/events?subscription=ID&after=SEQ&wait=S&limit=N`: the subscription's events past `after` (by default
    /// past the registry's last sequence when it subscribed), projected to the fields granted now; with none, waits
    /// up to `wait` seconds for one. Each delivered event is audited before the answer leaves.
    func read(_ request: HTTPRequest, consumer: Consumer) async -> HTTPResponse {
        let started = now()
        let query: EventQuery
        switch Self.query(request) {
        case .failure(let problem): return .problem(problem, requestID: nil)
        case .success(let parsed): query = parsed
        }
        let subscription: EventSubscription
        switch await owned(query.subscription, by: consumer) {
        case .failure(let problem): return .problem(problem, requestID: nil)
        case .success(let found): subscription = found
        }
        func refuse(_ problem: Problem) async -> HTTPResponse {
            await record(
                .read, RandomUUID.lowercased(), consumer: consumer.id.description, service: subscription.service,
                purpose: subscription.purpose, status: problem.status, problem: problem, started: started)
            return .problem(problem, requestID: nil)
        }
        // Grants may have changed since it subscribed: every read is decided again.
        guard let publisher = publishers[subscription.service] else { return await refuse(EventProblems.unknownService) }
        let selection: FieldSelection
        switch decide(
            consumer: consumer.id, service: publisher.descriptor.service, subscription.eventTypes, subscription.purpose)
        {
        case .failure(let refusal): return await refuse(EventProblems.refused(refusal))
        case .success(let granted): selection = granted
        }
        var after = query.after ?? subscription.startAfter
        do {
            let firstRetained = try await log.state(registry: subscription.registry)?.firstRetained ?? 1
            if after < firstRetained - 1 { return await refuse(EventProblems.sequenceExpired(firstRetained: firstRetained)) }
        } catch {
            return .problem(EventProblems.storeUnavailable, requestID: nil)
        }
        let filter = subscription.filter.flatMap { try? JSONValue.parse($0) }.flatMap(SubscriptionRequest.Filter.init)
        let types = Set(subscription.eventTypes)
        let deadline = ContinuousClock.now + .seconds(query.wait)
        var matched: [(StoredEvent, JSONValue)] = []
        while true {
            let page: [StoredEvent]
            do {
                page = try await log.events(registry: subscription.registry, after: after, limit: query.limit)
            } catch {
                return .problem(EventProblems.storeUnavailable, requestID: nil)
            }
            for event in page where matched.count < query.limit {
                after = event.sequence
                guard types.contains(event.type), let envelope = try? JSONValue.parse(event.envelope) else { continue }
                if let filter, !filter.admits(envelope["message"]?["record"] ?? .null) { continue }
                matched.append((event, envelope))
            }
            // A full page that matched nothing is read on at once; otherwise a poll of the log, not a wake-up.
            if !matched.isEmpty || ContinuousClock.now >= deadline || Task.isCancelled { break }
            if page.count < query.limit { try? await Task.sleep(for: .milliseconds(100)) }
        }
        return await deliver(
            matched, after: after, subscription: subscription, publisher: publisher, selection: selection,
            consumer: consumer, started: started)
    }

    /// Projects, signs where the projection changed the record, audits one record per event (in one call, so
    /// the batch waits on one group commit) and answers.
    private func deliver(
        _ matched: [(StoredEvent, JSONValue)], after: Int64, subscription: EventSubscription, publisher: Publisher,
        selection: FieldSelection, consumer: Consumer, started: Date
    ) async -> HTTPResponse {
        let requestID = RandomUUID.lowercased()
        var envelopes: [JSONValue] = []
        var audited: [AuditEvent] = []
        for (event, envelope) in matched {
            let carried = envelope["message"]?["record"] ?? .null
            let projected = FieldProjection.project(carried, to: selection)
            var delivered = envelope
            var messageHash = (try? RequestHash.signedRequest(envelope["message"] ?? .null)) ?? ""
            if projected != carried {
                guard let message = ChangeEventMessage(stored: envelope, descriptor: publisher.descriptor),
                    let identity = signers[publisher.descriptor.provider],
                    let signed = try? ChangeEventMessage(
                        id: message.id, sequence: message.sequence, eventType: message.eventType,
                        descriptor: publisher.descriptor, detectedAt: message.detectedAt, record: projected
                    ).sign(with: identity), let parsed = try? JSONValue.parse(signed.body)
                else { return .problem(EventProblems.storeUnavailable, requestID: requestID) }
                delivered = parsed
                messageHash = signed.messageSHA256
            }
            envelopes.append(delivered)
            audited.append(
                AuditEvent(
                    time: now(), requestID: requestID, consumer: consumer.id.description,
                    provider: publisher.descriptor.provider.description, service: subscription.service,
                    purpose: subscription.purpose, subjectKey: subject(of: event, carried, publisher),
                    fields: (projected.objectValue?.keys.map(\.description) ?? []).sorted(), outcome: .allowed,
                    status: 200, latencyMicroseconds: Self.microseconds(since: started, to: now()),
                    messageSHA256: messageHash))
        }
        if !audited.isEmpty, let problem = await audit.record(audited, requestID: requestID) {
            return .problem(problem, requestID: requestID)
        }
        return .json(
            [
                "subscription": .string(subscription.id), "events": .array(envelopes),
                "next": .number(JSONNumber(Int(after))),
            ], requestID: requestID)
    }

    /// Whom the event is about, for the citizen's transparency view: the key of a registry keyed by personal id,
    /// else the record's `personalId`; `nil` for events about no person.
    private func subject(of event: StoredEvent, _ record: JSONValue, _ publisher: Publisher) -> String? {
        if publisher.descriptor.keyKind == .personalID { return event.key }
        return record["personalId"]?.stringValue
    }

    static func query(_ request: HTTPRequest) -> Result<EventQuery, Problem> {
        guard let subscription = request.queryValue("subscription"), !subscription.isEmpty else {
            return .failure(EventProblems.invalidQuery("subscription", "is required"))
        }
        func number(_ name: String, _ range: ClosedRange<Int64>) -> Result<Int64?, Problem> {
            guard let text = request.queryValue(name) else { return .success(nil) }
            guard text.utf8.count <= 19, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let value = Int64(text), range.contains(value)
            else {
                return .failure(
                    EventProblems.invalidQuery(name, "is a whole number from \(range.lowerBound) to \(range.upperBound)"))
            }
            return .success(value)
        }
        return number("after", 0...maxSequence).flatMap { after in
            number("wait", 0...Int64(maxWaitSeconds)).flatMap { wait in
                number("limit", 1...Int64(maxLimit)).map { limit in
                    EventQuery(
                        subscription: subscription, after: after, wait: Int(wait ?? 0), limit: Int(limit ?? Int64(maxLimit)))
                }
            }
        }
    }
}
