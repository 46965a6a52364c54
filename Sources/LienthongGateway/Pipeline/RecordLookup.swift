import LienthongAccess
import LienthongCore
import LienthongJSON

/// One record (`/v1/records/{registry}/{key}`): the registry's record for the key, checked against its canonical
/// schema and projected to the granted fields, in a signed `record` envelope.
struct RecordLookup: EnvelopeLookupKind {
    /// The registry the path names, and the `fields` asked: a comma-separated list of names of letters, else 400
    /// `invalid-fields`.
    func target(of request: LookupRequest, in registries: [String: RegistryRuntime]) throws(Problem) -> LookupTarget {
        guard let runtime = registries[request.registry] else {
            throw GatewayProblems.unknownRegistry(request.registry)
        }
        var requestedFields: [String]?
        if let fields = request.fields {
            let names = fields.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard !names.isEmpty, names.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 64 && $0.allSatisfy(\.isLetter) })
            else { throw GatewayProblems.invalidFields }
            requestedFields = names
        }
        return LookupTarget(runtime, service: runtime.descriptor.service, requestedFields: requestedFields)
    }

    /// The record, valid against the registry's schema.
    func fetch(_ lookup: AdmittedLookup, from registries: RegistryFetch) async throws(Problem) -> JSONValue {
        let record = try await registries.record(lookup.target.runtime, key: lookup.key)
        try lookup.target.runtime.check(record)
        return record
    }

    /// The granted fields of the record.
    func project(_ record: JSONValue, for lookup: AdmittedLookup) -> LookupProjection {
        let projected = FieldProjection.project(record, to: lookup.selection)
        let fields = projected.objectValue.map { $0.keys.sorted() } ?? []
        return LookupProjection(
            type: "record", schema: lookup.target.runtime.descriptor.schema, payload: ("record", projected),
            parts: [AuditedExchange.Part(registry: nil, outcome: .released(fields: fields))])
    }
}
