extension SharingAPI {
    /// The routes of change events, for the consumers' group.
    func addEventRoutes(to group: inout RouterBuilder) {
        group.on(.subscriptions, .post) { routed in
            await asConsumer(routed) { await events.subscribe(routed.request, consumer: $0) }
        }
        group.on(.subscription, .get) { routed in
            await asConsumer(routed) { await events.subscription(routed.parameters[0], consumer: $0) }
        }
        group.on(.subscription, .delete) { routed in
            await asConsumer(routed) { await events.unsubscribe(routed.parameters[0], consumer: $0) }
        }
        group.on(.events, .get) { routed in
            await asConsumer(routed) { await events.read(routed.request, consumer: $0) }
        }
    }
}
