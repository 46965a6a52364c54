import LienthongAudit
import LienthongConnectors
import LienthongJSON
import LienthongNodeStore

/// Whether the node can serve, per component: each registry's connector, the audit log, the node's storage and the
/// global configuration.
///
/// One registry down leaves the others served: the node is `degraded` (200, so a load balancer keeps sending the
/// other registries' lookups). It is `not-ready` (503) only when it cannot serve any exchange: the audit log has an
/// unverified break (it records nothing, so nothing is released), the storage (PostgreSQL shared by the nodes)
/// cannot be reached, or every registry is down.
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

    /// Asks each registry's connector for its health, the audit log for its start check, the storage whether it
    /// answers and, on a node in a federation, the global configuration held (down when cross-node exchanges are
    /// refused: `degraded`, since local lookups go on).
    static func check(
        registries: [RegistryRuntime], audit: AuditLog, storage: any ReplayAdmitter, federation: FederationState? = nil
    ) async -> NodeReadiness {
        var components: [Component] = []
        let unreachable = await storage.unreachableReason()
        components.append(
            Component(name: "storage", kind: "storage", status: unreachable == nil ? .up : .down, detail: unreachable))
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
        if let federation { components.append(federation.readinessComponent()) }
        let registryStates = components.filter { $0.kind == "registry" }.map(\.status)
        let status: Status
        if audit.unverifiedBreak != nil || unreachable != nil
            || (!registryStates.isEmpty && registryStates.allSatisfy { $0 == .down })
        {
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
