import LienthongAccess
import LienthongConnectors
import LienthongCore
import LienthongJSON

extension ProfilePart {
    /// The most records one part carries.
    static let maxRecords = 100

    /// The part named `member` in the profile (`person`, `enterprises`, …), if there is one.
    static func named(_ member: String) -> ProfilePart? {
        all.first { $0.member.hasSameCodePoints(as: member) }
    }

    /// The part's canonical records about the person, each valid against the registry's schema and about that
    /// person; the person's own part fails with 404 `record-not-found` when the registry has no such person.
    func records(
        about personalID: String, runtime: RegistryRuntime, from registries: RegistryFetch
    ) async -> Result<[JSONValue], Problem> {
        do throws(Problem) {
            var records: [JSONValue] = []
            if let search {
                let natives = try await registries.search(
                    runtime, search, parameters: ["personalId": personalID], key: personalID,
                    limit: Self.maxRecords)
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
            records = records.filter { belongs($0, personalID) }
            if search == nil && records.isEmpty {
                throw runtime.contractViolation("the record names another person")
            }
            for record in records { try runtime.check(record) }
            return .success(records)
        } catch {
            return .failure(error)
        }
    }

    /// What the profile carries of `records` under a grant's `selection`: the person's record itself, or the list
    /// of a search part; with the names of the fields released.
    func released(_ records: [JSONValue], to selection: FieldSelection) -> (value: JSONValue, fields: [String]) {
        let projected = records.map { FieldProjection.project($0, to: selection) }
        let fields = Set(projected.flatMap { $0.objectValue.map { Array($0.keys) } ?? [] }).sorted()
        return (search == nil ? projected[0] : .array(projected), fields)
    }
}
