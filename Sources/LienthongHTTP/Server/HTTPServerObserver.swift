/// What a server tells about the work it does without its handler, for a node's metrics.
///
/// Every callback runs on an event loop thread: it must only count, never block.
public struct HTTPServerObserver: Sendable {
    /// The server answered a request itself (a refused head: 400, 408, 413, 431, 501; a 503 while stopping).
    public var answered: @Sendable (_ status: Int) -> Void
    /// A connection was accepted (`true`) or closed (`false`).
    public var connection: @Sendable (_ opened: Bool) -> Void
    /// A TLS handshake ended, completed (`true`) or failed (`false`).
    public var handshake: @Sendable (_ completed: Bool) -> Void

    /// An observer with the given callbacks.
    public init(
        answered: @escaping @Sendable (Int) -> Void, connection: @escaping @Sendable (Bool) -> Void,
        handshake: @escaping @Sendable (Bool) -> Void
    ) {
        self.answered = answered
        self.connection = connection
        self.handshake = handshake
    }
}
