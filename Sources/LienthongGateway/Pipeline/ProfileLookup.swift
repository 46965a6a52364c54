import LienthongAccess
import LienthongConnectors
import LienthongCore
import LienthongJSON

/// The cross-registry person profile (`/v1/persons/{personalId}/profile`): for each ``ProfilePart`` the consumer
/// may see for the purpose, its records are fetched concurrently, checked against their schema and the person,
/// projected to the grant, and assembled into one signed `person-profile.v1` envelope; parts not granted, or whose
/// registry failed, are withheld with a reason. Every part is audited (released, denied or failed).
struct ProfileLookup: EnvelopeLookupKind {
    /// The most records one part carries.
    static let maxRecordsPerPart = 100

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
                group.addTask { (part.member, await fetch(part, runtime: runtime, personalID: lookup.key, registries)) }
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
                    let projected = records.map { FieldProjection.project($0, to: selection) }
                    let fields = Set(projected.flatMap { $0.objectValue.map { Array($0.keys) } ?? [] }).sorted()
                    outcome = .released(fields: fields)
                    released = part.search == nil ? projected[0] : .array(projected)
                }
            }
            switch outcome {
            case .released:
                profile[part.member] = released
            case .denied(let problem):
                profile[part.member] = Self.withheld(
                    "Not granted to this consumer for purpose \(lookup.purpose) / "
                        + "Không được cấp quyền cho mục đích này", problem)
            case .failed(let problem):
                profile[part.member] = Self.withheld(
                    "Registry \(part.registry) did not answer / Cơ sở dữ liệu không trả lời", problem)
            }
            parts.append(AuditedExchange.Part(registry: asked?.runtime.descriptor, outcome: outcome))
        }
        return LookupProjection(
            type: "profile", schema: "person-profile.v1", payload: ("record", .object(profile)), parts: parts)
    }

    /// The part's canonical records about the person, each valid against the registry's schema.
    private func fetch(
        _ part: ProfilePart, runtime: RegistryRuntime, personalID: String, _ registries: RegistryFetch
    ) async -> Result<[JSONValue], Problem> {
        do throws(Problem) {
            var records: [JSONValue] = []
            if let search = part.search {
                let natives = try await registries.search(
                    runtime, search, parameters: ["personalId": personalID], key: personalID,
                    limit: Self.maxRecordsPerPart)
                for native in natives {
                    do throws(MappingError) {
                        records.append(try runtime.registry.mapping.map(native))
                    } catch {
                        // Noted as the connector's failure: the mapping's error says which rule broke.
                        RequestTrace.current?.failedUpstream(
                            ConnectorError(error), registry: runtime.descriptor.name, key: personalID)
                        throw GatewayProblems.contractViolation(runtime.descriptor.name, "a record does not map")
                    }
                }
            } else {
                records = [try await registries.record(runtime, key: personalID)]
            }
            records = records.filter { part.belongs($0, personalID) }
            if part.search == nil && records.isEmpty {
                throw runtime.contractViolation("the record names another person")
            }
            for record in records { try runtime.check(record) }
            return .success(records)
        } catch {
            return .failure(error)
        }
    }

    /// The marker of a part not sent, with its reason and the problem's code.
    private static func withheld(_ reason: String, _ problem: Problem) -> JSONValue {
        ["withheld": true, "reason": .string(reason), "code": .string(problem.code)]
    }
}
