/// An HTTP/1.1 client on libcurl, safe to share between tasks.
///
/// Transfers run on one dedicated thread per client (a libcurl multi handle), so no Swift cooperative
/// thread blocks for the duration of a transfer; connections are kept alive and reused between requests.
///
/// ```swift
/// let client = HTTPClient(tls: TLSClientConfiguration(caFilePath: "ca.pem"))
/// let response = try await client.send(HTTPClientRequest(url: "https://registry.example/v1/ping"))
/// ```
public final class HTTPClient: Sendable {
    private let engine: CurlEngine

    /// Creates a client and its transfer thread.
    ///
    /// - Parameter tls: The CAs to trust and the client certificate to present on `https` URLs.
    public init(tls: TLSClientConfiguration = TLSClientConfiguration()) {
        engine = CurlEngine(tls: tls)
    }

    /// Sends `request` and returns the response of any status.
    ///
    /// - Throws: ``HTTPClientError`` with `http-client.timeout`, `http-client.connection-failed`,
    ///   `http-client.response-too-large`, `http-client.tls`, `http-client.invalid-request`,
    ///   `http-client.cancelled` or `http-client.failed`.
    public func send(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        try await engine.perform(request)
    }

    /// Sends `request` and returns as soon as the response head has arrived; the body is read from the stream.
    ///
    /// At most about `bufferBytes` of body wait in memory: while the reader lags, the transfer is paused
    /// (`CURL_WRITEFUNC_PAUSE`) and resumed when the reader has taken them, so TCP slows the sender down.
    /// - Throws: as ``send(_:)``, for failures before the head.
    public func stream(
        _ request: HTTPClientRequest, bufferBytes: Int = 1024 * 1024
    ) async throws(HTTPClientError) -> HTTPClientStream {
        try await engine.open(request, bufferBytes: max(1, bufferBytes))
    }

    /// Fails requests in flight with `http-client.cancelled` and stops the transfer thread.
    public func shutdown() {
        engine.stop()
    }

    deinit {
        engine.stop()
    }
}
