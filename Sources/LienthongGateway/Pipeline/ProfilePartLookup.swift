import LienthongCore
import LienthongJSON

/// One part of a person profile answered by the node that serves its registry
/// (`POST /v1/federation/persons/{personalId}/profile/{part}`, or a part the assembling node serves itself): the
/// part's records about the personal ID, decided by this node's grants for the part's service, projected, and
/// signed by the registry's provider in a `profile-part` envelope whose record follows `person-profile-part.v1`.
struct ProfilePartLookup: EnvelopeLookupKind {
    /// The part's registry (`request.registry`); the key is a personal ID whatever the registry's own key kind.
    func target(of request: LookupRequest, in registries: [String: RegistryRuntime]) throws(Problem) -> LookupTarget {
        guard ProfilePart.all.contains(where: { $0.registry == request.registry }),
            let runtime = registries[request.registry]
        else { throw GatewayProblems.unknownRegistry(request.registry) }
        var target = LookupTarget(runtime, service: runtime.descriptor.service)
        target.keyKind = .personalID
        return target
    }

    /// The part's records about the person; a failure is the lookup's (404 for a person the registry lacks).
    func fetch(_ lookup: AdmittedLookup, from registries: RegistryFetch) async throws(Problem) -> [JSONValue] {
        let part = try Self.part(of: lookup)
        return try await part.records(about: lookup.key, runtime: lookup.target.runtime, from: registries).get()
    }

    /// `{"<member>": value}`: the part as the one-node profile would carry it.
    func project(_ records: [JSONValue], for lookup: AdmittedLookup) throws(Problem) -> LookupProjection {
        let part = try Self.part(of: lookup)
        let (value, fields) = part.released(records, to: lookup.selection)
        return LookupProjection(
            type: "profile-part", schema: "person-profile-part.v1", payload: ("record", [part.member: value]),
            parts: [AuditedExchange.Part(registry: nil, outcome: .released(fields: fields))])
    }

    /// The part the target's registry answers (the target stage admitted only those).
    private static func part(of lookup: AdmittedLookup) throws(Problem) -> ProfilePart {
        guard let part = ProfilePart.all.first(where: { $0.registry == lookup.target.runtime.descriptor.name }) else {
            throw GatewayProblems.unknownRegistry(lookup.target.runtime.descriptor.name)
        }
        return part
    }
}
