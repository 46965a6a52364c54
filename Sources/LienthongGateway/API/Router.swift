import Foundation
import LienthongAccess
import LienthongConnectors
import LienthongCore
import LienthongHTTP
import LienthongJSON
import LienthongSchema

/// The sharing API: maps HTTP requests to the pipeline and answers problems for everything else.
struct Router: HTTPHandler {
    let lookup: RecordLookup
    let documents: DocumentLookup
    let profiles: ProfileLookup
    /// The compiled `request.v1` schema that signed request messages must match.
    let requestSchema: JSONSchema
    let authenticator: ConsumerAuthenticator
    let policy: AccessPolicy
    let schemas: SchemaEndpoints
    let transparency: TransparencyEndpoint
    let reports: ReportEndpoint
    /// `GET /openapi.json`: this API described for integrators.
    let openAPI: OpenAPIDocument
    let configuration: GatewayConfiguration
    let metrics: Metrics
    let readiness: @Sendable () async -> (ready: Bool, checks: [String: JSONValue])

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let started = ContinuousClock.now
        let (route, response) = await route(request)
        RequestTrace.current?.matched(route)
        metrics.record(
            route: route, status: response.status, code: response.headers[HTTPResponse.problemCodeHeader] ?? "ok",
            seconds: started.duration(to: .now).secondsValue
        )
        return response
    }

    private func route(_ request: HTTPRequest) async -> (String, HTTPResponse) {
        guard let segments = request.pathSegments else {
            return ("invalid", .problem(GatewayProblems.notFound, requestID: nil))
        }
        guard let (route, parameters) = Route.match(segments) else {
            return ("unknown", .problem(GatewayProblems.notFound, requestID: nil))
        }
        return (route.rawValue, await answer(route, parameters: parameters, request))
    }

    /// The response of `route`, with the values of its `{name}` segments in template order.
    private func answer(_ route: Route, parameters: [String], _ request: HTTPRequest) async -> HTTPResponse {
        switch route {
        case .healthz:
            return only(.get, request) ?? .json(["status": "ok"])
        case .readyz:
            if let refusal = only(.get, request) { return refusal }
            let (ready, checks) = await readiness()
            return .json(
                ["status": ready ? "ready" : "not-ready", "checks": .object(checks)], status: ready ? 200 : 503
            )
        case .metrics:
            if let refusal = only(.get, request) { return refusal }
            return HTTPResponse(
                status: 200, headers: ["Content-Type": "text/plain; version=0.0.4"],
                body: Array(metrics.exposition().utf8)
            )
        case .openAPI:
            // HEAD too: the server sends its headers without the body.
            guard request.method == .get || request.method == .head else {
                return .problem(GatewayProblems.methodNotAllowed, requestID: nil)
            }
            return openAPI.response
        case .records:
            return await records(request, registry: parameters[0], key: parameters[1])
        case .documents:
            return await document(request, registry: parameters[0], key: parameters[1])
        case .profile:
            return await profile(request, personalID: parameters[0])
        case .services:
            return await services(request)
        case .schemas:
            return only(.get, request) ?? schemas.list()
        case .schema:
            return only(.get, request) ?? schemas.schema(parameters[0])
        case .validate:
            return only(.post, request) ?? schemas.validate(parameters[0], body: request.body)
        case .transparency:
            return only(.get, request)
                ?? transparency.accesses(personalID: parameters[0], authorization: request.headers["Authorization"])
        case .monthlyReport:
            return only(.get, request) ?? reports.monthly(request)
        }
    }

    private func only(_ method: HTTPMethod, _ request: HTTPRequest) -> HTTPResponse? {
        request.method == method ? nil : .problem(GatewayProblems.methodNotAllowed, requestID: nil)
    }

    private func authenticate(_ request: HTTPRequest) -> Result<Consumer, Problem> {
        Result { () throws(Problem) -> Consumer in
            try authenticator.authenticate(
                certificateChain: request.clientCertificateChain,
                certificateRejected: request.clientCertificateRejected,
                authorization: request.headers["Authorization"]
            )
        }
    }

    /// `GET` (headers and query) or `POST` (a signed request envelope) of one record.
    private func records(_ request: HTTPRequest, registry: String, key: String) async -> HTTPResponse {
        let lookupRequest: LookupRequest
        switch parse(request, .record, registry: registry, key: key) {
        case .failure(let problem): return .problem(problem, requestID: nil)
        case .success(let parsed): lookupRequest = parsed
        }
        switch await lookup.run(lookupRequest, consumer: authenticate(request)) {
        case .envelope(let body): return .jsonBytes(body, requestID: lookupRequest.requestID)
        case .problem(let problem): return .problem(problem, requestID: lookupRequest.requestID)
        }
    }

    /// A registry's document, streamed as `multipart/mixed` with the signed envelope last (``DocumentResponse``).
    private func document(_ request: HTTPRequest, registry: String, key: String) async -> HTTPResponse {
        if let refusal = only(.get, request) { return refusal }
        let lookupRequest: LookupRequest
        switch LookupRequest.from(request, registry: registry, key: key) {
        case .failure(let problem): return .problem(problem, requestID: nil)
        case .success(let parsed): lookupRequest = parsed
        }
        switch await documents.open(lookupRequest, consumer: authenticate(request)) {
        case .open(let document): return DocumentResponse.make(document, lookup: documents)
        case .problem(let problem): return .problem(problem, requestID: lookupRequest.requestID)
        }
    }

    /// `GET` or `POST` (signed) of a person's cross-registry profile.
    private func profile(_ request: HTTPRequest, personalID: String) async -> HTTPResponse {
        let lookupRequest: LookupRequest
        switch parse(request, .profile, registry: "population", key: personalID) {
        case .failure(let problem): return .problem(problem, requestID: nil)
        case .success(let parsed): lookupRequest = parsed
        }
        switch await profiles.run(lookupRequest, consumer: authenticate(request)) {
        case .envelope(let body): return .jsonBytes(body, requestID: lookupRequest.requestID)
        case .problem(let problem): return .problem(problem, requestID: lookupRequest.requestID)
        }
    }

    /// The lookup a `GET` asks for in its headers and query, or a `POST` in its signed request envelope.
    private func parse(
        _ request: HTTPRequest, _ operation: SignedRequest.Operation, registry: String, key: String
    ) -> Result<LookupRequest, Problem> {
        switch request.method {
        case .get:
            return LookupRequest.from(request, registry: registry, key: key)
        case .post:
            let service = configuration.registries.first { $0.name == registry }?.service.description
            return SignedRequest.read(
                request, operation: operation, registry: registry, key: key, schema: requestSchema, service: service
            ).map { LookupRequest(signed: $0, registry: registry, key: key, request: request) }
        default:
            return .failure(GatewayProblems.methodNotAllowed)
        }
    }

    /// What the caller may ask and why: each granted service with its purposes and fields.
    private func services(_ request: HTTPRequest) async -> HTTPResponse {
        if let refusal = only(.get, request) { return refusal }
        let consumer: Consumer
        switch authenticate(request) {
        case .failure(let problem): return .problem(problem, requestID: nil)
        case .success(let authenticated): consumer = authenticated
        }
        let purposes = Dictionary(configuration.policy.purposes.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let registries = Dictionary(
            configuration.registries.map { ($0.service, $0) }, uniquingKeysWith: { a, _ in a }
        )
        let documentRegistries = Dictionary(
            configuration.registries.compactMap { registry in registry.documentService.map { ($0, registry) } },
            uniquingKeysWith: { a, _ in a }
        )
        let grants: [JSONValue] = policy.grants(of: consumer.id).map { grant in
            var entry: [String: JSONValue] = [
                "service": .string(grant.service.description),
                "fields": .array(grant.fields.map { .string($0) }),
                "purposes": .array(
                    grant.purposes.map { code in
                        let purpose = purposes[code]
                        return [
                            "code": .string(code), "name": .string(purpose?.name ?? code),
                            "nameVi": .string(purpose?.nameVi ?? code),
                            "legalBasis": .string(purpose?.legalBasis ?? ""),
                        ]
                    }
                ),
            ]
            if let registry = registries[grant.service] {
                entry["registry"] = .string(registry.name)
                entry["schema"] = .string(registry.schema)
                entry["lookup"] = .string("/v1/records/\(registry.name)/{key}")
                entry["keyKind"] = .string(registry.keyKind.rawValue)
            }
            if let registry = documentRegistries[grant.service] {
                entry["registry"] = .string(registry.name)
                entry["document"] = .string("/v1/documents/\(registry.name)/{key}")
                entry["keyKind"] = .string(registry.keyKind.rawValue)
            }
            if let conditions = grant.conditions, let encoded = try? JSONValueEncoder().encode(conditions) {
                entry["conditions"] = encoded
            }
            return .object(entry)
        }
        return .json(["consumer": .string(consumer.id.description), "services": .array(grants)])
    }
}
