/// A response whose body arrives while it is read (see ``HTTPClient/stream(_:bufferBytes:)``).
///
/// ```swift
/// let stream = try await client.stream(HTTPClientRequest(url: url, maxResponseBytes: 1 << 30))
/// while let chunk = try await stream.next() { hasher.update(chunk) }
/// ```
/// Dropping the stream (or calling ``cancel()``) before its end aborts the transfer.
public final class HTTPClientStream: Sendable {
    /// The status code.
    public let status: Int
    /// The header fields of the final response.
    public let headers: HTTPHeaders
    private let channel: ResponseBodyChannel
    private let abort: @Sendable () -> Void

    init(head: HTTPClientResponse, channel: ResponseBodyChannel, abort: @escaping @Sendable () -> Void) {
        status = head.status
        headers = head.headers
        self.channel = channel
        self.abort = abort
    }

    /// The body bytes received since the last call, waiting for some; `nil` once the body is complete.
    /// - Throws: ``HTTPClientError`` when the transfer failed mid-body (`http-client.connection-failed` for a
    ///   connection cut short, `http-client.response-too-large`, `http-client.timeout`, `http-client.cancelled`).
    public func next() async throws(HTTPClientError) -> [UInt8]? {
        let result = await withTaskCancellationHandler {
            await channel.next()
        } onCancel: {
            abort()
        }
        return try result.get()
    }

    /// Aborts the transfer; a later ``next()`` throws `http-client.cancelled` (nothing if it already ended).
    public func cancel() {
        abort()
    }

    deinit {
        abort()
    }
}
