import LienthongAudit
import LienthongConnectors
import LienthongJSON

/// Whether the node can serve, per component: each registry's connector and the audit log.
///
/// One registry down leaves the others served: the node is `degraded` (200, so a load balancer keeps sending the
/// other registries' lookups). It is `not-ready` (503) only when it cannot serve any exchange: the audit log has an
/// unverified break (it records nothing, so nothing is released), or every registry is down.
struct NodeReadiness: Sendable {
    /// The node's overall state.
    enum Status: String, Sendable {
        case ready
        case degraded
        case notReady = "not-ready"
    }

    /// One component's state and, when not up, a value-free reason.
    struct Component: Sendable {
        var name: String
        var kind: String
        var status: ConnectorHealth.Status
        var detail: String?
    }

    var status: Status
    var components: [Component]

    /// 200 unless the node cannot serve at all.
    var httpStatus: Int { status == .notReady ? 503 : 200 }

    /// Asks each registry's connector for its health and the audit log for its start check.
    static func check(registries: [RegistryRuntime], audit: AuditLog) async -> NodeReadiness {
        var components: [Component] = []
        if let found = audit.unverifiedBreak {
            components.append(
                Component(
                    name: "audit", kind: "audit", status: .down,
                    detail: "unverified: \(found.failure.rawValue) at seq \(found.seq)"))
        } else {
            components.append(Component(name: "audit", kind: "audit", status: .up))
        }
        for runtime in registries {
            let health = await runtime.registry.connector.health()
            components.append(
                Component(
                    name: runtime.descriptor.name, kind: "registry", status: health.status, detail: health.detail))
        }
        let registryStates = components.filter { $0.kind == "registry" }.map(\.status)
        let status: Status
        if audit.unverifiedBreak != nil || (!registryStates.isEmpty && registryStates.allSatisfy { $0 == .down }) {
            status = .notReady
        } else if components.contains(where: { $0.status != .up }) {
            status = .degraded
        } else {
            status = .ready
        }
        return NodeReadiness(status: status, components: components)
    }

    /// The bare answer of the public port: the status only.
    var bare: JSONValue { ["status": .string(status.rawValue)] }

    /// The detailed answer of the admin listener: each component's state.
    var detailed: JSONValue {
        var checks: JSONObject = [:]
        for component in components {
            var entry: JSONObject = [
                "kind": .string(component.kind), "status": .string(component.status.rawValue),
            ]
            if let detail = component.detail { entry["detail"] = .string(detail) }
            checks[component.name] = .object(entry)
        }
        return ["status": .string(status.rawValue), "components": .object(checks)]
    }
}
