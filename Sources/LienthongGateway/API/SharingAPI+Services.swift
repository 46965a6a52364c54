import LienthongAccess
import LienthongCore
import LienthongHTTP
import LienthongJSON

extension SharingAPI {
    /// What the caller may ask and why: each granted service with its purposes and fields.
    func services(_ request: HTTPRequest) async -> HTTPResponse {
        let consumer: Consumer
        switch await authenticate(request) {
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
            var entry: JSONObject = [
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
            // The limit in force for the consumer on the service, whichever of its grants states it.
            if let limit = policy.rateLimit(consumer: consumer.id, service: grant.service) {
                entry["rateLimit"] = [
                    "requestsPerSecond": .number(JSONNumber(limit.requestsPerSecond)),
                    "burst": .number(JSONNumber(limit.burst)),
                ]
            }
            return .object(entry)
        }
        return .json(["consumer": .string(consumer.id.description), "services": .array(grants)])
    }
}
