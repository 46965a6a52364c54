import LienthongAccess
import LienthongCore
import LienthongJSON

/// The cross-registry person profile (`/v1/persons/{personalId}/profile`): for each ``ProfilePart`` the consumer
/// may see for the purpose, its records are fetched concurrently, checked against their schema and the person,
/// projected to the grant, and assembled into one signed `person-profile.v1` envelope; parts not granted, or whose
/// registry failed, are withheld with a reason. Every part is audited (released, denied or failed).
struct ProfileLookup: EnvelopeLookupKind {
    /// Each part's records, or why its registry gave none, by member.
    typealias Fetched = [String: Result<[JSONValue], Problem>]

    /// The population registry answers (its key rules, its provider signs); the policy decides every part's
    /// service, in profile order.
    func target(of request: LookupRequest, in registries: [String: RegistryRuntime]) throws(Problem) -> LookupTarget {
        guard let population = registries["population"] else { throw GatewayProblems.unknownRegistry("population") }
        let asked = ProfilePart.all.map { part in
            registries[part.registry].map { LookupTarget.Asked(runtime: $0, service: $0.descriptor.service) }
        }
        return LookupTarget(population, service: population.descriptor.service, asked: asked, requestedFields: nil)
    }

    /// The granted parts' records, fetched concurrently.
    func fetch(_ lookup: AdmittedLookup, from registries: RegistryFetch) async -> Fetched {
        await withTaskGroup(of: (String, Result<[JSONValue], Problem>).self) { group in
            for (part, (asked, decision)) in zip(ProfilePart.all, zip(lookup.target.asked, lookup.decisions)) {
                guard case .allow? = decision, let runtime = asked?.runtime else { continue }
                group.addTask {
                    (part.member, await part.records(about: lookup.key, runtime: runtime, from: registries))
                }
            }
            var results: Fetched = [:]
            for await (member, result) in group { results[member] = result }
            return results
        }
    }

    /// The profile: each part's records projected to its grant, or its withheld marker; 404 when the person has no
    /// population record.
    func project(_ fetched: Fetched, for lookup: AdmittedLookup) throws(Problem) -> LookupProjection {
        var profile: JSONObject = [:]
        var parts: [AuditedExchange.Part] = []
        let zipped = zip(ProfilePart.all, zip(lookup.target.asked, lookup.decisions))
        for (part, (asked, decision)) in zipped {
            let outcome: AuditedExchange.Part.Outcome
            var released: JSONValue = .null
            switch decision {
            case nil:
                outcome = .failed(GatewayProblems.unknownRegistry(part.registry))
            case .deny(let denial)?:
                outcome = .denied(denial.problem)
            case .allow(let selection)?:
                switch fetched[part.member] ?? .failure(GatewayProblems.internalError) {
                case .failure(let problem):
                    if part.search == nil, problem.code == "record-not-found" { throw problem }
                    outcome = .failed(problem)
                case .success(let records):
                    let (value, fields) = part.released(records, to: selection)
                    outcome = .released(fields: fields)
                    released = value
                }
            }
            if case .released = outcome {
                profile[part.member] = released
            } else {
                profile[part.member] = Self.withheld(part, outcome, purpose: lookup.purpose)
            }
            parts.append(AuditedExchange.Part(registry: asked?.runtime.descriptor, outcome: outcome))
        }
        return LookupProjection(
            type: "profile", schema: "person-profile.v1", payload: ("record", .object(profile)), parts: parts)
    }

    /// The marker of a part not sent, with its reason and the problem's code (`null` for a part released).
    static func withheld(_ part: ProfilePart, _ outcome: AuditedExchange.Part.Outcome, purpose: String) -> JSONValue {
        let (reason, problem): (String, Problem)
        switch outcome {
        case .released: return .null
        case .denied(let denial):
            (reason, problem) = (
                "Not granted to this consumer for purpose \(purpose) / Không được cấp quyền cho mục đích này", denial
            )
        case .failed(let failure):
            (reason, problem) = ("Registry \(part.registry) did not answer / Cơ sở dữ liệu không trả lời", failure)
        }
        return ["withheld": true, "reason": .string(reason), "code": .string(problem.code)]
    }
}
