import Synchronization

/// An HTTP/1.1 client on libcurl, safe to share between tasks.
///
/// A request runs on the event loop of the calling task: a handler's upstream request is driven by the libcurl
/// multi handle of the loop that read the incoming request (`curl_multi_socket_action` on that loop's events), so
/// no thread waits for it and its answer resumes the handler on the same thread. A task on no loop (startup,
/// background work, tools) has its requests run on the process's one auxiliary loop. Connections are kept alive
/// and reused per loop.
///
/// ```swift
/// let client = HTTPClient(tls: TLSClientConfiguration(caFilePath: "ca.pem"))
/// let response = try await client.send(HTTPClientRequest(url: "https://registry.example/v1/ping"))
/// ```
public final class HTTPClient: Sendable {
    private struct Transfers {
        /// The loop each transfer of this client runs on, by id, so ``shutdown()`` can reach them.
        var inFlight: [UInt64: EventLoop] = [:]
        var shutDown = false
    }

    /// Transfer ids are unique across clients: every client of a loop shares its multi handle.
    private static let nextID = Atomic<UInt64>(0)
    private let tls: TLSClientConfiguration
    private let transfers = Mutex(Transfers())

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
        let id = Self.nextID.add(1, ordering: .relaxed).newValue
        let result = await withTaskCancellationHandler {
            await loop.onLoop(otherwise: .failure(Self.loopStopped)) {
                await withCheckedContinuation {
                    (continuation: CheckedContinuation<Result<HTTPClientResponse, HTTPClientError>, Never>) in
                    self.start(CurlTransfer(id: id, request: request, delivery: .buffered(continuation)), on: loop)
                }
            }
        } onCancel: {
            loop.post { $0.curl.cancel(id) }
        }
        forget(id)
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
        let id = Self.nextID.add(1, ordering: .relaxed).newValue
        let channel = ResponseBodyChannel(capacity: max(1, bufferBytes)) { loop.post { $0.curl.unpause(id) } }
        let started = await loop.onLoop(otherwise: false) {
            self.start(CurlTransfer(id: id, request: request, delivery: .streamed(channel)), on: loop)
            return true
        }
        if !started { channel.fail(Self.loopStopped) }
        let head = await withTaskCancellationHandler {
            await channel.head()
        } onCancel: {
            loop.post { $0.curl.cancel(id) }
        }
        switch head {
        case .success(let response):
            return HTTPClientStream(head: response, channel: channel) { [self] in
                forget(id)
                loop.post { $0.curl.cancel(id) }
            }
        case .failure(let error):
            forget(id)
            throw error
        }
    }

    /// Fails this client's requests in flight with `http-client.cancelled`, and every later one.
    public func shutdown() {
        let inFlight = transfers.withLock { transfers in
            transfers.shutDown = true
            defer { transfers.inFlight = [:] }
            return transfers.inFlight
        }
        for (id, loop) in inFlight { loop.post { $0.curl.cancel(id) } }
    }

    deinit {
        shutdown()
    }

    /// Adds `transfer` to `loop`'s multi handle (on that loop's thread), unless the client shut down or the
    /// calling task was cancelled before it got there.
    private func start(_ transfer: CurlTransfer, on loop: EventLoop) {
        let admitted = transfers.withLock { transfers -> Bool in
            guard !transfers.shutDown else { return false }
            transfers.inFlight[transfer.id] = loop
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
        loop.curl.add(transfer, tls: tls)
    }

    private func forget(_ id: UInt64) {
        transfers.withLock { _ = $0.inFlight.removeValue(forKey: id) }
    }

    private static let loopStopped = HTTPClientError(code: .cancelled, detail: "the event loop stopped")
}
