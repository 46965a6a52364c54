import Foundation
import LienthongAccess
import LienthongConnectors
import LienthongCore
import LienthongHTTP
import LienthongJSON

/// The sharing API: maps HTTP requests to the pipeline and answers problems for everything else.
struct Router: HTTPHandler {
    let lookup: RecordLookup
    let documents: DocumentLookup
    let profiles: ProfileLookup
    let authenticator: ConsumerAuthenticator
    let policy: AccessPolicy
    let schemas: SchemaEndpoints
    let transparency: TransparencyEndpoint
    let reports: ReportEndpoint
    let configuration: GatewayConfiguration
    let metrics: Metrics
    let readiness: @Sendable () async -> (ready: Bool, checks: [String: JSONValue])

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let started = ContinuousClock.now
        let (route, response) = await route(request)
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
        switch segments {
        case ["healthz"]:
            return ("/healthz", only(.get, request) ?? .json(["status": "ok"]))
        case ["readyz"]:
            if let refusal = only(.get, request) { return ("/readyz", refusal) }
            let (ready, checks) = await readiness()
            return ("/readyz", .json(["status": ready ? "ready" : "not-ready", "checks": .object(checks)], status: ready ? 200 : 503))
        case ["metrics"]:
            if let refusal = only(.get, request) { return ("/metrics", refusal) }
            return (
                "/metrics",
                HTTPResponse(
                    status: 200, headers: ["Content-Type": "text/plain; version=0.0.4"],
                    body: Array(metrics.exposition().utf8)
                )
            )
        case let path where path.count == 4 && path[0] == "v1" && path[1] == "records":
            return ("/v1/records/{registry}/{key}", await records(request, registry: path[2], key: path[3]))
        case let path where path.count == 4 && path[0] == "v1" && path[1] == "documents":
            return ("/v1/documents/{registry}/{key}", await document(request, registry: path[2], key: path[3]))
        case let path where path.count == 4 && path[0] == "v1" && path[1] == "persons" && path[3] == "profile":
            return ("/v1/persons/{personalId}/profile", await profile(request, personalID: path[2]))
        case ["v1", "services"]:
            return ("/v1/services", await services(request))
        case ["v1", "schemas"]:
            return ("/v1/schemas", only(.get, request) ?? schemas.list())
        case let path where path.count == 3 && path[0] == "v1" && path[1] == "schemas":
            return ("/v1/schemas/{id}", only(.get, request) ?? schemas.schema(path[2]))
        case let path where path.count == 4 && path[0] == "v1" && path[1] == "schemas" && path[3] == "validate":
            return ("/v1/schemas/{id}/validate", only(.post, request) ?? schemas.validate(path[2], body: request.body))
        case let path where path.count == 5 && path[0] == "v1" && path[1] == "transparency" && path[2] == "persons"
            && path[4] == "accesses":
            return (
                "/v1/transparency/persons/{personalId}/accesses",
                only(.get, request)
                    ?? transparency.accesses(personalID: path[3], authorization: request.headers["Authorization"])
            )
        case ["v1", "reports", "monthly"]:
            return ("/v1/reports/monthly", only(.get, request) ?? reports.monthly(request))
        default:
            return ("unknown", .problem(GatewayProblems.notFound, requestID: nil))
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

    private func records(_ request: HTTPRequest, registry: String, key: String) async -> HTTPResponse {
        if let refusal = only(.get, request) { return refusal }
        let lookupRequest: LookupRequest
        switch LookupRequest.from(request, registry: registry, key: key) {
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

    private func profile(_ request: HTTPRequest, personalID: String) async -> HTTPResponse {
        if let refusal = only(.get, request) { return refusal }
        let lookupRequest: LookupRequest
        switch LookupRequest.from(request, registry: "population", key: personalID) {
        case .failure(let problem): return .problem(problem, requestID: nil)
        case .success(let parsed): lookupRequest = parsed
        }
        switch await profiles.run(lookupRequest, consumer: authenticate(request)) {
        case .envelope(let body): return .jsonBytes(body, requestID: lookupRequest.requestID)
        case .problem(let problem): return .problem(problem, requestID: lookupRequest.requestID)
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
