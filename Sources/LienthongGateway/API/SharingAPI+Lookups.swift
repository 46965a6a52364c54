import LienthongCore
import LienthongHTTP

extension SharingAPI {
    /// The registry and key an operation's path names (a profile's registry is always `population`).
    private func target(
        _ routed: RoutedRequest, _ operation: SignedRequest.Operation
    ) -> (registry: String, key: String) {
        switch operation {
        case .record: (routed.parameters[0], routed.parameters[1])
        case .profile: ("population", routed.parameters[0])
        case .profilePart: (ProfilePart.named(routed.parameters[1])?.registry ?? "", routed.parameters[0])
        }
    }

    /// The lookup a `GET` asks for in its headers and query.
    func asked(_ routed: RoutedRequest, _ operation: SignedRequest.Operation) -> Result<LookupRequest, Problem> {
        let (registry, key) = target(routed, operation)
        return LookupRequest.from(routed.request, registry: registry, key: key)
    }

    /// The lookup a `POST` asks for in its signed request envelope (verified later, in the pipeline).
    func signed(_ routed: RoutedRequest, _ operation: SignedRequest.Operation) -> Result<LookupRequest, Problem> {
        let (registry, key) = target(routed, operation)
        let service = configuration.registries.first { $0.name == registry }?.service.description
        return SignedRequest.read(
            routed.request, operation: operation, registry: registry, key: key, schema: requestSchema, service: service
        ).map { LookupRequest(signed: $0, registry: registry, key: key, request: routed.request) }
    }

    /// One record in a signed envelope.
    func record(_ asked: Result<LookupRequest, Problem>, _ request: HTTPRequest) async -> HTTPResponse {
        let lookupRequest: LookupRequest
        switch asked {
        case .failure(let problem): return .problem(problem, requestID: nil)
        case .success(let parsed): lookupRequest = parsed
        }
        let consumer = await authenticate(request)
        let outcome: LookupOutcome
        if let forwarded = await lookups.forward(lookupRequest, consumer: consumer) {
            outcome = forwarded
        } else {
            outcome = await lookups.run(RecordLookup(), lookupRequest, consumer: consumer)
        }
        switch outcome {
        case .envelope(let body): return .jsonBytes(body, requestID: lookupRequest.requestID)
        case .problem(let problem): return .problem(problem, requestID: lookupRequest.requestID)
        }
    }

    /// A person's cross-registry profile in a signed envelope: assembled from the nodes that serve its parts on a
    /// node of a federation that lacks one of the part's registries (`person-profile.v2`), else from this node's
    /// registries (`person-profile.v1`).
    func profile(_ asked: Result<LookupRequest, Problem>, _ request: HTTPRequest) async -> HTTPResponse {
        let lookupRequest: LookupRequest
        switch asked {
        case .failure(let problem): return .problem(problem, requestID: nil)
        case .success(let parsed): lookupRequest = parsed
        }
        let consumer = await authenticate(request)
        let outcome: LookupOutcome
        if let assembled = await lookups.assembleProfile(lookupRequest, consumer: consumer) {
            outcome = assembled
        } else {
            outcome = await lookups.run(ProfileLookup(), lookupRequest, consumer: consumer)
        }
        switch outcome {
        case .envelope(let body): return .jsonBytes(body, requestID: lookupRequest.requestID)
        case .problem(let problem): return .problem(problem, requestID: lookupRequest.requestID)
        }
    }

    /// A registry's document, streamed as `multipart/mixed` with the signed envelope last (``DocumentResponse``).
    func document(_ routed: RoutedRequest) async -> HTTPResponse {
        let lookupRequest: LookupRequest
        switch asked(routed, .record) {
        case .failure(let problem): return .problem(problem, requestID: nil)
        case .success(let parsed): lookupRequest = parsed
        }
        switch await lookups.open(lookupRequest, consumer: authenticate(routed.request)) {
        case .open(let document): return DocumentResponse.make(document, pipeline: lookups)
        case .problem(let problem): return .problem(problem, requestID: lookupRequest.requestID)
        }
    }
}
