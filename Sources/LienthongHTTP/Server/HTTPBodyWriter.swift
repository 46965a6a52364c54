/// Writes a streamed response body for an ``HTTPBodyProducer``.
///
/// Each ``write(_:)`` returns once the bytes are queued and the connection's output buffer is below the server's
/// high-water mark: the producer never runs further ahead of the client than that.
public struct HTTPBodyWriter: Sendable {
    private let send: @Sendable ([UInt8]) async -> Bool

    /// Creates a writer over `send`, which queues bytes and answers whether the client is still there (the server
    /// does this; tests and in-memory transports may too).
    public init(send: @escaping @Sendable ([UInt8]) async -> Bool) {
        self.send = send
    }

    /// Queues `bytes` for the client and waits while too much is still unsent.
    /// - Returns: `false` when the connection is gone: the producer should stop and return ``HTTPBodyEnd/abort``.
    public func write(_ bytes: [UInt8]) async -> Bool {
        guard !bytes.isEmpty else { return true }
        return await send(bytes)
    }
}

/// How a streamed body ends.
public enum HTTPBodyEnd: Sendable {
    /// The body is whole: the server sends the last chunk and the connection may serve another request.
    case complete
    /// The body is cut short: the server closes the connection without the last chunk, so the client sees a
    /// truncated response (an HTTP/1.1 client reports it as an error).
    case abort
}

/// Writes a response body through an ``HTTPBodyWriter`` and says how it ended (see
/// ``HTTPResponse/streaming(status:headers:producer:)``).
public typealias HTTPBodyProducer = @Sendable (HTTPBodyWriter) async -> HTTPBodyEnd
