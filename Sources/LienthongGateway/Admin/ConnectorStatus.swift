import LienthongJSON

/// A registry's connector as the admin listener shows it (`GET /v1/connectors`, the dashboard): kind, provider,
/// health and breaker.
struct ConnectorStatus: Sendable {
    var registry: String
    var provider: String
    var service: String
    var kind: String?
    var health: String
    var breaker: String
    var detail: String?

    /// Each registry of `registries`, asked for its health now.
    static func of(_ registries: [RegistryRuntime]) async -> [ConnectorStatus] {
        var statuses: [ConnectorStatus] = []
        for runtime in registries {
            let health = await runtime.registry.connector.health()
            statuses.append(
                ConnectorStatus(
                    registry: runtime.descriptor.name, provider: runtime.descriptor.provider.description,
                    service: runtime.descriptor.service.description,
                    kind: runtime.descriptor.connector["connector"]?["kind"]?.stringValue,
                    health: health.status.rawValue,
                    breaker: NodeMetrics.breakerState(runtime.registry.connector)?.rawValue ?? "none",
                    detail: health.detail))
        }
        return statuses
    }

    var json: JSONValue {
        var entry: JSONObject = [
            "registry": .string(registry), "provider": .string(provider), "service": .string(service),
            "kind": kind.map { .string($0) } ?? .null, "health": .string(health), "breaker": .string(breaker),
        ]
        if let detail { entry["detail"] = .string(detail) }
        return .object(entry)
    }
}
