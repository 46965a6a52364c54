import LienthongStorage

extension PostgresConnectionPool {
    /// A pool for a store of the node's state (the message queue, the attachments, the change events): statements
    /// run on the caller's event loop, or the auxiliary loop for a caller on none (the delivery worker), through
    /// that loop's nonblocking connections, at most `connections` per loop, opened when first needed. Each session
    /// commits with `synchronous_commit = on` whatever the server's default, so a call that commits returns once the
    /// change is durable.
    static func nodeState(conninfo: String, connections: Int, applicationName: String) -> PostgresConnectionPool {
        PostgresConnectionPool(
            .init(
                conninfo: conninfo, maximumConnections: max(1, connections), connectTimeout: .seconds(2),
                checkoutTimeout: .seconds(5), onEventLoops: true,
                parameters: ["application_name": applicationName, "options": "-c synchronous_commit=on"]))
    }
}
