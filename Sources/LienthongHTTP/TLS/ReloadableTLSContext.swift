import Synchronization

/// The server's TLS context, replaceable while it runs: each accepted connection takes the context current at its
/// accept, so a new certificate applies to new connections while the open ones finish on the one they started with
/// (each `SSL` holds a reference to its `SSL_CTX`, so the replaced context lives until its last connection closes).
final class ReloadableTLSContext: Sendable {
    private let current: Mutex<ServerTLSContext>

    /// A holder of the context built from `configuration`.
    init(_ configuration: TLSServerConfiguration) throws(HTTPServerError) {
        current = Mutex(try ServerTLSContext(configuration))
    }

    /// A new `SSL` from the current context for one accepted connection, or `nil` when OpenSSL is out of memory.
    func makeSSL() -> OpaquePointer? {
        current.withLock { $0.makeSSL() }
    }

    /// Builds the context of `configuration` (certificate, key, client CAs read again) and makes it current; on a
    /// failure the current one stays.
    func replace(with configuration: TLSServerConfiguration) throws(HTTPServerError) {
        let next = try ServerTLSContext(configuration)
        current.withLock { $0 = next }
    }
}
