import Foundation
import LienthongAccess
import LienthongAudit
import LienthongConnectors
import LienthongCore
import LienthongJSON
import LienthongNodeStore
import LienthongTrust

/// The cross-registry person profile: for each ``ProfilePart`` the consumer may see for the purpose, its records
/// are fetched concurrently, checked against their schema and the person, projected to the grant, and assembled
/// into one signed `person-profile.v1` envelope; parts not granted, or whose registry failed, are withheld with a
/// reason. Every part is audited (released, denied or failed) before the response leaves.
struct ProfileLookup: Sendable {
    /// The most records one part carries.
    static let maxRecordsPerPart = 100

    let registries: [String: RegistryRuntime]
    let policy: AccessPolicy
    let rateLimits: LookupRateLimits
    let signers: [ExchangeID: JWSSigningIdentity]
    let audit: AuditRecorder
    let replay: any ReplayAdmitter
    /// Verifies and admits signed requests (`POST`).
    let signedRequests: SignedRequestVerifier
    let now: @Sendable () -> Date

    /// What happened to one part.
    private enum PartOutcome: Sendable {
        case released(JSONValue, fields: [String])
        case denied(Problem)
        case failed(Problem)
    }

    /// Runs the profile for `request.key` (a personal ID); the audit records are durable when this returns.
    func run(_ request: LookupRequest, consumer: Result<Consumer, Problem>) async -> RecordLookup.Outcome {
        let started = ContinuousClock.now
        var base = AuditEvent(time: now(), requestID: request.requestID, outcome: .failed, status: 500)
        base.purpose = request.purpose
        base.requestSHA256 = request.signed?.requestHash
        let result: Result<(body: [UInt8], sha256: String, parts: [(ProfilePart, PartOutcome)]), Problem>
        switch consumer {
        case .failure(let problem):
            result = .failure(problem)
        case .success(let consumer):
            base.consumer = consumer.id.description
            result = await assemble(request, consumer: consumer, base: &base)
        }
        base.latencyMicroseconds = started.duration(to: .now).wholeMicroseconds
        var events: [AuditEvent] = []
        switch result {
        case .failure(let problem):
            var event = base
            event.conclude(with: problem)
            events.append(event)
        case .success(let signed):
            for (part, outcome) in signed.parts {
                var event = base
                if let runtime = registries[part.registry] {
                    event.service = runtime.descriptor.service.description
                    event.provider = runtime.descriptor.provider.description
                }
                switch outcome {
                case .released(_, let fields):
                    event.outcome = .allowed
                    event.status = 200
                    event.fields = fields
                    event.messageSHA256 = signed.sha256
                case .denied(let problem), .failed(let problem):
                    if case .denied = outcome { event.outcome = .denied } else { event.outcome = .failed }
                    event.status = problem.status
                    event.problemCode = problem.code
                }
                events.append(event)
            }
        }
        if let problem = await audit.record(events, requestID: request.requestID) { return .problem(problem) }
        switch result {
        case .success(let signed): return .envelope(signed.body)
        case .failure(let problem): return .problem(problem)
        }
    }

    private func assemble(
        _ request: LookupRequest, consumer: Consumer, base: inout AuditEvent
    ) async -> Result<(body: [UInt8], sha256: String, parts: [(ProfilePart, PartOutcome)]), Problem> {
        if let signed = request.signed, let problem = await signedRequests.admit(signed, consumer: consumer) {
            return .failure(problem)
        }
        guard let population = registries["population"] else {
            return .failure(GatewayProblems.unknownRegistry("population"))
        }
        base.service = population.descriptor.service.description
        base.provider = population.descriptor.provider.description
        guard let purpose = request.purpose, !purpose.isEmpty else { return .failure(GatewayProblems.purposeRequired) }
        let key: String
        do {
            key = try population.descriptor.keyKind.validate(request.key)
        } catch {
            return .failure(error.problem)
        }
        base.subjectKey = key

        let date = Timestamp.date(now())
        // A part whose registry this node does not host has no decision; it is withheld as failed.
        var decisions: [(ProfilePart, RegistryRuntime?, AccessDecision?)] = []
        for part in ProfilePart.all {
            guard let runtime = registries[part.registry] else {
                decisions.append((part, nil, nil))
                continue
            }
            let decision = policy.evaluate(
                AccessRequest(
                    consumer: consumer.id, service: runtime.descriptor.service, purpose: purpose, requestedFields: nil,
                    key: key, keyKind: population.descriptor.keyKind, date: date
                )
            )
            decisions.append((part, runtime, decision))
        }
        let granted = decisions.filter { if case .allow? = $0.2 { true } else { false } }
        guard !granted.isEmpty else {
            if case .deny(let denial)? = decisions[0].2 { return .failure(denial.problem) }
            return .failure(GatewayProblems.accessDenied)
        }
        // Every granted part counts: the profile is refused whole, and no registry is asked, when one is limited.
        let lookups = granted.compactMap { _, runtime, _ in runtime.map { ($0.descriptor, $0.descriptor.service) } }
        if let limited = rateLimits.admit(consumer: consumer.id, lookups: lookups) { return .failure(limited) }
        if request.requestIDGiven {
            do throws(TrustError) {
                try await replay.admit([("\(consumer.id)|\(request.requestID)", nil)], now: now())
            } catch {
                return .failure(error.problem)
            }
        }

        let fetched = await withTaskGroup(of: (String, Result<[JSONValue], Problem>).self) { group in
            for (part, runtime, decision) in decisions {
                guard case .allow? = decision, let runtime else { continue }
                group.addTask { (part.member, await fetch(part, runtime: runtime, personalID: key)) }
            }
            var results: [String: Result<[JSONValue], Problem>] = [:]
            for await (member, result) in group { results[member] = result }
            return results
        }

        var profile: JSONObject = [:]
        var outcomes: [(ProfilePart, PartOutcome)] = []
        for (part, _, decision) in decisions {
            let outcome: PartOutcome
            switch decision {
            case nil:
                outcome = .failed(GatewayProblems.unknownRegistry(part.registry))
            case .deny(let denial)?:
                outcome = .denied(denial.problem)
            case .allow(let selection)?:
                switch fetched[part.member] ?? .failure(GatewayProblems.internalError) {
                case .failure(let problem):
                    if part.search == nil, problem.code == "record-not-found" { return .failure(problem) }
                    outcome = .failed(problem)
                case .success(let records):
                    let projected = records.map { FieldProjection.project($0, to: selection) }
                    let fields = Set(projected.flatMap { $0.objectValue.map { Array($0.keys) } ?? [] }).sorted()
                    outcome = .released(part.search == nil ? projected[0] : .array(projected), fields: fields)
                }
            }
            outcomes.append((part, outcome))
            switch outcome {
            case .released(let value, _):
                profile[part.member] = value
            case .denied(let problem):
                profile[part.member] = Self.withheld(
                    "Not granted to this consumer for purpose \(purpose) / Không được cấp quyền cho mục đích này",
                    problem
                )
            case .failed(let problem):
                profile[part.member] = Self.withheld(
                    "Registry \(part.registry) did not answer / Cơ sở dữ liệu không trả lời", problem
                )
            }
        }

        guard let signer = signers[population.descriptor.provider] else {
            return .failure(GatewayProblems.internalError)
        }
        let issuedAt = now()
        let message = ResponseMessage.make(
            type: "profile", schema: "person-profile.v1", request: request, consumer: consumer.id,
            provider: population.descriptor.provider, service: population.descriptor.service, purpose: purpose,
            issuedAt: issuedAt, payload: ("record", .object(profile)))
        do {
            let signed = try EnvelopeSigner.sign(message, identity: signer, issuedAt: issuedAt)
            return .success((signed.body, signed.messageSHA256, outcomes))
        } catch {
            return .failure(GatewayProblems.internalError)
        }
    }

    /// The part's canonical records about the person, each valid against the registry's schema.
    private func fetch(
        _ part: ProfilePart, runtime: RegistryRuntime, personalID: String
    ) async -> Result<[JSONValue], Problem> {
        let registry = runtime.registry
        let name = runtime.descriptor.name
        // A withheld part is not an error answer, so each failure is noted here for the error log.
        func violation(_ detail: String) -> Result<[JSONValue], Problem> {
            let problem = GatewayProblems.contractViolation(name, detail)
            RequestTrace.current?.failedContract(problem, registry: name)
            return .failure(problem)
        }
        var records: [JSONValue] = []
        do {
            if let search = part.search {
                let natives = try await RequestTrace.upstream(name, key: personalID) {
                    () async throws(ConnectorError) -> [NativeRecord] in
                    try await registry.connector.search(
                        NativeSearch(
                            name: search, parameters: ["personalId": personalID], limit: Self.maxRecordsPerPart)
                    )
                }
                for native in natives {
                    do throws(MappingError) {
                        records.append(try registry.mapping.map(native))
                    } catch {
                        RequestTrace.current?.failedUpstream(ConnectorError(error), registry: name, key: personalID)
                        return .failure(GatewayProblems.contractViolation(name, "a record does not map"))
                    }
                }
            } else {
                let answer = try await RequestTrace.upstream(name, key: personalID) {
                    () async throws(ConnectorError) -> JSONValue? in try await registry.record(key: personalID)
                }
                guard let record = answer else {
                    return .failure(GatewayProblems.recordNotFound(runtime.descriptor.name))
                }
                records = [record]
            }
        } catch {
            return .failure(error.problem)
        }
        records = records.filter { part.belongs($0, personalID) }
        if part.search == nil && records.isEmpty { return violation("the record names another person") }
        for record in records {
            let validation = runtime.schema.validate(record)
            guard validation.isValid else {
                let location = validation.errors.first?.keywordLocation ?? ""
                return violation("the mapped record fails \(runtime.descriptor.schema) at \(location)")
            }
        }
        return .success(records)
    }

    private static func withheld(_ reason: String, _ problem: Problem) -> JSONValue {
        ["withheld": true, "reason": .string(reason), "code": .string(problem.code)]
    }
}
