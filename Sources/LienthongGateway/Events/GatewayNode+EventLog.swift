import Foundation
import LienthongBus
import LienthongNodeStore

extension GatewayNode {
    /// The node's change-event log: the node store's (`events.sqlite`, or PostgreSQL with `storage: postgres`) alone,
    /// or with `bus.engine: jetstream` a stream per registry on JetStream, the node store keeping the detection
    /// cursors, baselines and subscriptions. The streams keep events as `events` retention says.
    static func eventLog(_ configuration: GatewayConfiguration, store: any NodeStateStore) throws -> any EventLog {
        let local = try store.openEvents()
        guard let bus = configuration.node.bus, bus.engine == .jetstream else { return local }
        let retention = (configuration.node.events ?? EventsConfiguration()).resolved
        let settings = JetStreamEventLog.Settings(
            servers: bus.servers ?? [], replicas: bus.replicas ?? 1,
            duplicateWindow: .seconds(bus.duplicateWindowSeconds ?? 600),
            ackTimeout: .seconds(bus.ackTimeoutSeconds ?? 10), retentionEvents: retention.retentionEvents,
            retention: retention.retention)
        return try JetStreamEventLog(local: local, settings: settings, name: "lienthong-events")
    }
}
