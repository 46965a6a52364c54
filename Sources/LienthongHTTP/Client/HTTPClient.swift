import Synchronization

/// An HTTP/1.1 client on libcurl, safe to share between tasks.
///
/// A request runs on the event loop of the calling task: a handler's upstream request is driven by a libcurl
/// multi handle on the loop that read the incoming request (`curl_multi_socket_action` on that loop's events), so
/// no thread waits for it and its answer resumes the handler on the same thread. A task on no loop (startup,
/// background work, tools) has its requests run on the process's one auxiliary loop. The client keeps its
/// connections alive and reuses them, per loop.
///
/// ```swift
/// let client = HTTPClient(tls: TLSClientConfiguration(caFilePath: "ca.pem"))
/// let response = try await client.send(HTTPClientRequest(url: "https://registry.example/v1/ping"))
/// ```
public final class HTTPClient: Sendable {
    private struct State {
        /// The loops this client has a multi handle on, so that ``shutdown()`` can close them.
        var loops: [ObjectIdentifier: EventLoop] = [:]
        var shutDown = false
    }

    /// Transfer ids are unique across clients, client ids across the process.
    private static let nextID = Atomic<UInt64>(0)
    private let id = HTTPClient.nextID.add(1, ordering: .relaxed).newValue
    private let tls: TLSClientConfiguration
    private let state = Mutex(State())

    /// Creates a client; it starts no thread.
    ///
    /// - Parameter tls: The CAs to trust and the client certificate to present on `https` URLs.
    public init(tls: TLSClientConfiguration = TLSClientConfiguration()) {
        CurlRuntime.prepare()
        self.tls = tls
    }

    /// Sends `request` and returns the response of any status.
    ///
    /// - Throws: ``HTTPClientError`` with `http-client.timeout`, `http-client.connection-failed`,
    ///   `http-client.response-too-large`, `http-client.tls`, `http-client.invalid-request`,
    ///   `http-client.cancelled` or `http-client.failed`.
    public func send(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        let loop = EventLoop.current ?? EventLoop.auxiliary
        let (client, id) = (self.id, Self.nextID.add(1, ordering: .relaxed).newValue)
        let result = await withTaskCancellationHandler {
            await loop.onLoop(otherwise: .failure(Self.loopStopped)) {
                await withCheckedContinuation {
                    (continuation: CheckedContinuation<Result<HTTPClientResponse, HTTPClientError>, Never>) in
                    self.start(CurlTransfer(id: id, request: request, delivery: .buffered(continuation)), on: loop)
                }
            }
        } onCancel: {
            loop.post { $0.curlMultis[client]?.cancel(id) }
        }
        return try result.get()
    }

    /// Sends `request` and returns as soon as the response head has arrived; the body is read from the stream.
    ///
    /// At most about `bufferBytes` of body wait in memory: while the reader lags, the transfer is paused
    /// (`CURL_WRITEFUNC_PAUSE`) and resumed when the reader has taken them, so TCP slows the sender down.
    /// - Throws: as ``send(_:)``, for failures before the head.
    public func stream(
        _ request: HTTPClientRequest, bufferBytes: Int = 1024 * 1024
    ) async throws(HTTPClientError) -> HTTPClientStream {
        let loop = EventLoop.current ?? EventLoop.auxiliary
        let (client, id) = (self.id, Self.nextID.add(1, ordering: .relaxed).newValue)
        let channel = ResponseBodyChannel(capacity: max(1, bufferBytes)) {
            loop.post { $0.curlMultis[client]?.unpause(id) }
        }
        let started = await loop.onLoop(otherwise: false) {
            self.start(CurlTransfer(id: id, request: request, delivery: .streamed(channel)), on: loop)
            return true
        }
        if !started { channel.fail(Self.loopStopped) }
        let head = await withTaskCancellationHandler {
            await channel.head()
        } onCancel: {
            loop.post { $0.curlMultis[client]?.cancel(id) }
        }
        switch head {
        case .success(let response):
            // The stream keeps the client, so its connections, while it is read.
            return HTTPClientStream(head: response, channel: channel) { [self] in
                loop.post { $0.curlMultis[self.id]?.cancel(id) }
            }
        case .failure(let error):
            throw error
        }
    }

    /// Fails this client's requests in flight with `http-client.cancelled`, and every later one; closes its
    /// connections.
    public func shutdown() {
        let loops = state.withLock { state in
            state.shutDown = true
            defer { state.loops = [:] }
            return state.loops.values
        }
        let client = id
        for loop in loops { loop.post { $0.closeCurl(client) } }
    }

    deinit {
        shutdown()
    }

    /// Adds `transfer` to this client's multi handle on `loop` (on that loop's thread), unless the client shut down
    /// or the calling task was cancelled before it got there.
    private func start(_ transfer: CurlTransfer, on loop: EventLoop) {
        let admitted = state.withLock { state -> Bool in
            guard !state.shutDown else { return false }
            state.loops[ObjectIdentifier(loop)] = loop
            return true
        }
        guard admitted else {
            transfer.finish(.failure(HTTPClientError(code: .cancelled, detail: "the client was shut down")))
            return
        }
        guard !Task.isCancelled else {
            transfer.finish(.failure(HTTPClientError(code: .cancelled, detail: "the request was cancelled")))
            return
        }
        loop.curl(id).add(transfer, tls: tls)
    }

    private static let loopStopped = HTTPClientError(code: .cancelled, detail: "the event loop stopped")
}
