import LienthongAudit
import LienthongConnectors

/// The series read at scrape time rather than counted: readiness per component, breaker state per registry, and the
/// audit writer's counters.
enum NodeMetrics {
    /// A registry's breaker as the metrics and the connectors list name it.
    enum BreakerState: String, CaseIterable {
        case closed
        case open
        case halfOpen = "half-open"
    }

    /// The breaker state of a connector wrapped in one, else `nil`.
    static func breakerState(_ connector: any RegistryConnector) -> BreakerState? {
        guard let resilient = connector as? ResilientConnector<ContinuousClock> else { return nil }
        switch resilient.breakerState {
        case .closed: return .closed
        case .open: return .open
        case .halfOpen: return .halfOpen
        }
    }

    static func write(readiness: NodeReadiness, registries: [RegistryRuntime], to text: inout PrometheusText) {
        text.family("lienthong_ready", "gauge", "1 for the node's readiness status now (ready, degraded, not-ready).")
        for status in [NodeReadiness.Status.ready, .degraded, .notReady] {
            text.sample("lienthong_ready", [("status", status.rawValue)], readiness.status == status ? 1 : 0)
        }
        text.family(
            "lienthong_component_up", "gauge",
            "1 when a component (registry, audit, storage) is up, 0.5 degraded, 0 down.")
        for component in readiness.components {
            let value: Double =
                switch component.status {
                case .up: 1
                case .degraded: 0.5
                case .down: 0
                }
            text.sample("lienthong_component_up", [("component", component.name), ("kind", component.kind)], value)
        }
        text.family("lienthong_breaker_state", "gauge", "1 for the state each registry's circuit breaker is in.")
        for runtime in registries {
            guard let state = breakerState(runtime.registry.connector) else { continue }
            for candidate in BreakerState.allCases {
                text.sample(
                    "lienthong_breaker_state", [("registry", runtime.descriptor.name), ("state", candidate.rawValue)],
                    state == candidate ? 1 : 0)
            }
        }
    }

    static func write(audit statistics: AuditLogStatistics, to text: inout PrometheusText) {
        text.family("lienthong_audit_batch_size", "histogram", "Records per audit commit (one transaction, one fsync).")
        text.histogram(
            "lienthong_audit_batch_size", bounds: AuditLogStatistics.batchSizeBounds,
            counts: statistics.batchSizeBuckets, sum: Double(statistics.records))
        text.family("lienthong_audit_commit_duration_seconds", "histogram", "Time of each audit commit.")
        text.histogram(
            "lienthong_audit_commit_duration_seconds", bounds: AuditLogStatistics.commitBounds,
            counts: statistics.commitBuckets, sum: statistics.commitSeconds)
        text.family("lienthong_audit_queue_depth", "gauge", "Audit events waiting for the writer.")
        text.sample("lienthong_audit_queue_depth", statistics.queueDepth)
        text.family("lienthong_audit_failed_batches_total", "counter", "Audit commits that failed.")
        text.sample("lienthong_audit_failed_batches_total", statistics.failedBatches)
        text.family("lienthong_audit_head_seq", "gauge", "Sequence number of the audit chain's head.")
        text.sample("lienthong_audit_head_seq", statistics.headSeq)
    }
}
