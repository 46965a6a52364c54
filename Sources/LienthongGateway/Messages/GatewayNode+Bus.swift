import Foundation
import LienthongBus
import LienthongNodeStore

extension GatewayNode {
    /// The node's message queue: the node store's (`messages.sqlite`, or PostgreSQL with `storage: postgres`), alone
    /// (the default) or as the store behind JetStream (`bus.engine: jetstream`), whose streams for every consumer's
    /// member are created or updated here, at start.
    static func messageQueue(_ configuration: GatewayConfiguration, store: any NodeStateStore) throws -> any MessageQueue {
        let local = try store.openMessageQueue()
        guard let bus = configuration.node.bus, bus.engine == .jetstream else { return local }
        let settings = JetStreamMessageQueue.Settings(
            servers: bus.servers ?? [], replicas: bus.replicas ?? 1,
            duplicateWindow: .seconds(bus.duplicateWindowSeconds ?? 600),
            ackTimeout: .seconds(bus.ackTimeoutSeconds ?? 10))
        return try JetStreamMessageQueue(
            local: local, settings: settings, members: configuration.policy.consumers.map(\.id), name: "lienthong")
    }
}
