import Foundation
import LienthongAudit
import LienthongCore

/// One lookup's audit record from the request's arrival to its durable append: the stages of ``LookupPipeline``
/// note what they learn (consumer, service, subject), and the exchange ends once, refused or released, by appending
/// its events through the ``AuditRecorder`` before the answer may leave.
struct AuditedExchange: Sendable {
    /// What the audit records of one released part of the answer (a record's only part, or a profile part).
    struct Part: Sendable {
        /// How the part ended.
        enum Outcome: Sendable {
            /// Sent, with the fields released.
            case released(fields: [String])
            /// Withheld: the policy does not grant it.
            case denied(Problem)
            /// Withheld: its registry did not answer as it should.
            case failed(Problem)
        }

        /// The service and provider that answer the part, when they are not the exchange's own.
        var service: String?
        var provider: String?
        var outcome: Outcome
        /// The part's own signed request and answer, when it had its own exchange with another node (a part of a
        /// federated profile): the provider node's audit record carries the same hashes.
        var requestSHA256: String? = nil
        var messageSHA256: String? = nil

        /// A part answered by the registry `registry` of this node (`nil`: the exchange's own).
        init(registry: RegistryDescriptor?, outcome: Outcome) {
            service = registry?.service.description
            provider = registry?.provider.description
            self.outcome = outcome
        }

        /// A part answered by `service` of `provider`, wherever it lives, through its own request and answer.
        init(service: String?, provider: String?, outcome: Outcome, requestSHA256: String?, messageSHA256: String?) {
            self.service = service
            self.provider = provider
            self.outcome = outcome
            self.requestSHA256 = requestSHA256
            self.messageSHA256 = messageSHA256
        }
    }

    let requestID: String
    let started: ContinuousClock.Instant
    let audit: AuditRecorder
    /// The event so far; every record of the exchange starts from it.
    private(set) var event: AuditEvent

    /// A new exchange for `request`, arrived at `time`.
    init(_ request: LookupRequest, at time: Date, audit: AuditRecorder) {
        requestID = request.requestID
        started = .now
        self.audit = audit
        event = AuditEvent(time: time, requestID: request.requestID, outcome: .failed, status: 500)
        event.purpose = request.purpose
        event.requestSHA256 = request.signed?.requestHash
    }

    /// The consumer authenticated.
    mutating func identified(_ consumer: Consumer) {
        event.consumer = consumer.id.description
    }

    /// The lookup asks `service` of the registry `descriptor`.
    mutating func concerns(_ descriptor: RegistryDescriptor, service: ExchangeID) {
        event.service = service.description
        event.provider = descriptor.provider.description
    }

    /// The lookup asks `service` of `provider`, a registry another node serves (named by the global configuration).
    mutating func concerns(service: String, provider: String) {
        event.service = service
        event.provider = provider
    }

    /// The request went on to another node as the signed request with this hash (the provider audits it too).
    mutating func sent(requestHash: String) {
        event.requestSHA256 = requestHash
    }

    /// The key that names the subject, validated.
    mutating func subject(_ key: String) {
        event.subjectKey = key
    }

    /// Audits the exchange as refused or failed with `problem`.
    /// - Returns: the problem to answer: `problem`, or the audit's own when the record could not be made.
    func refuse(_ problem: Problem) async -> Problem {
        var event = finished
        event.conclude(with: problem)
        return await audit.record([event], requestID: requestID) ?? problem
    }

    /// Audits the answer signed with digest `messageSHA256`, one record per part.
    /// - Parameter documentSHA256: the streamed document's digest, for a document.
    /// - Returns: `nil` once the records are durable, else the problem to answer instead of the data.
    func release(_ parts: [Part], messageSHA256: String, documentSHA256: String? = nil) async -> Problem? {
        let base = finished
        let events = parts.map { part in
            var event = Self.event(of: part, from: base)
            switch part.outcome {
            case .released(let fields):
                event.outcome = .allowed
                event.status = 200
                event.fields = fields
                event.messageSHA256 = part.messageSHA256 ?? messageSHA256
                event.documentSHA256 = documentSHA256
            case .denied(let problem):
                event.outcome = .denied
                event.status = problem.status
                event.problemCode = problem.code
            case .failed(let problem):
                event.outcome = .failed
                event.status = problem.status
                event.problemCode = problem.code
            }
            return event
        }
        return await audit.record(events, requestID: requestID)
    }

    /// Audits the exchange as failed with `problem` after its parts were asked: one record per part, each with the
    /// hashes of its own request and answer, so that the nodes that answered the parts find their twins.
    /// - Returns: the problem to answer: `problem`, or the audit's own when the records could not be made.
    func refuse(_ problem: Problem, parts: [Part]) async -> Problem {
        let base = finished
        let events = parts.map { part in
            var event = Self.event(of: part, from: base)
            event.conclude(with: problem)
            event.messageSHA256 = part.messageSHA256
            return event
        }
        return await audit.record(events, requestID: requestID) ?? problem
    }

    /// The event of one part: the exchange's `base`, with the part's service, provider and request hash where it
    /// has its own.
    private static func event(of part: Part, from base: AuditEvent) -> AuditEvent {
        var event = base
        if let service = part.service { event.service = service }
        if let provider = part.provider { event.provider = provider }
        if let requestSHA256 = part.requestSHA256 { event.requestSHA256 = requestSHA256 }
        return event
    }

    /// The event with its latency, measured as the exchange ends.
    private var finished: AuditEvent {
        var event = event
        event.latencyMicroseconds = started.duration(to: .now).wholeMicroseconds
        return event
    }
}

private extension AuditEvent {
    /// Marks the event as refused (401, 403, 429: `denied`) or failed (anything else) with `problem`'s status and
    /// code.
    mutating func conclude(with problem: Problem) {
        outcome = [401, 403, 429].contains(problem.status) ? .denied : .failed
        status = problem.status
        problemCode = problem.code
    }
}
