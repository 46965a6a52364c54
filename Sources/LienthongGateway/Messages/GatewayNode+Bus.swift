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

    /// The bus intake beside the delivery worker (`bus.engine: jetstream`), until cancelled (at shutdown): moves the
    /// documents of the members' streams into the node store, so that the worker delivers one batch while the next is
    /// fetched, stored and acknowledged. A document the stream handed over is acknowledged only once stored; one a
    /// crash interrupted comes again from the stream, and the store takes its id once.
    func receiveFromBus() async {
        guard let bus = services.messages as? JetStreamMessageQueue else { return }
        while !Task.isCancelled {
            let received = (try? await bus.receive(limit: MessageExchange.deliveryBatch)) ?? 0
            if received == 0 { try? await Task.sleep(for: Self.deliveryPollInterval) }
        }
    }
}
