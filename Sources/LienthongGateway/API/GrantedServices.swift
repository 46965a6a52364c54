import LienthongAccess
import LienthongCore
import LienthongJSON

/// The services this node's grants give a consumer, each with its purposes, fields, lookup path and rate limit: the
/// entries of `GET /v1/services`, and what a provider node answers another node asking for its consumer
/// (`POST /v1/federation/services`).
struct GrantedServices: Sendable {
    let configuration: GatewayConfiguration
    let policy: AccessPolicy

    /// One entry per grant of `consumer`, in the policy's order.
    func entries(for consumer: ExchangeID) -> [JSONValue] {
        let purposes = Dictionary(configuration.policy.purposes.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
        let registries = Dictionary(
            configuration.registries.map { ($0.service, $0) }, uniquingKeysWith: { a, _ in a }
        )
        let documentRegistries = Dictionary(
            configuration.registries.compactMap { registry in registry.documentService.map { ($0, registry) } },
            uniquingKeysWith: { a, _ in a }
        )
        return policy.grants(of: consumer).map { grant in
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
            if let limit = policy.rateLimit(consumer: consumer, service: grant.service) {
                entry["rateLimit"] = [
                    "requestsPerSecond": .number(JSONNumber(limit.requestsPerSecond)),
                    "burst": .number(JSONNumber(limit.burst)),
                ]
            }
            return .object(entry)
        }
    }
}
