import LienthongCore

/// What one kind of lookup supplies to the ``LookupPipeline``: what it asks, and what it fetches. The stages around
/// (authentication, admission, signing, audit) are the pipeline's.
protocol LookupKind: Sendable {
    /// What the fetch stage brings back: a record, a profile's parts, a document's stream.
    associatedtype Fetched: Sendable

    /// The target stage: the registry and services `request` asks, or why it cannot be asked (the registry is
    /// unknown, the request malformed for this kind).
    func target(of request: LookupRequest, in registries: [String: RegistryRuntime]) throws(Problem) -> LookupTarget

    /// The fetch and validate stages: the data of an admitted lookup, checked against its registry's contract.
    func fetch(_ lookup: AdmittedLookup, from registries: RegistryFetch) async throws(Problem) -> Fetched
}

/// A lookup answered by one signed envelope, built when the data is in: a record, a profile.
protocol EnvelopeLookupKind: LookupKind {
    /// The project stage: what the envelope carries of the fetched data, and what the audit records of it.
    func project(_ fetched: Fetched, for lookup: AdmittedLookup) throws(Problem) -> LookupProjection
}
