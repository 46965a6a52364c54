/// A response produced by an ``HTTPHandler``.
public struct HTTPResponse: Sendable {
    /// The status code, e.g. `200`.
    public var status: Int
    /// The header fields; `Content-Length` is set by the server.
    public var headers: HTTPHeaders
    /// The body bytes (ignored when ``bodyProducer`` is set).
    public var body: [UInt8]
    /// Produces the body chunk by chunk instead of ``body``; the server sends it with chunked transfer coding.
    public var bodyProducer: HTTPBodyProducer?

    /// Creates a response.
    public init(status: Int = 200, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
        self.bodyProducer = nil
    }

    /// A response whose body `producer` writes while the head is already on its way.
    ///
    /// The server sends the status and headers at once, then each chunk the producer writes; a write waits while
    /// the connection's output buffer is above ``HTTPServerConfiguration/maxBufferedResponseBytes``, so a slow
    /// client slows the producer instead of filling memory.
    ///
    /// ```swift
    /// .streaming(headers: ["Content-Type": "application/octet-stream"]) { writer in
    ///     for chunk in chunks { guard await writer.write(chunk) else { return .abort } }
    ///     return .complete
    /// }
    /// ```
    public static func streaming(
        status: Int = 200, headers: HTTPHeaders = [:], producer: @escaping HTTPBodyProducer
    ) -> HTTPResponse {
        var response = HTTPResponse(status: status, headers: headers)
        response.bodyProducer = producer
        return response
    }

    /// A response carrying already-encoded JSON bytes.
    ///
    /// - Parameters:
    ///   - bytes: UTF-8 JSON.
    ///   - status: The status code.
    ///   - contentType: The media type, `application/json` unless e.g. `application/problem+json`.
    public static func json(
        _ bytes: [UInt8],
        status: Int = 200,
        contentType: String = "application/json"
    ) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": contentType], body: bytes)
    }

    /// An RFC 9457 `application/problem+json` response with a stable `code`.
    ///
    /// The body is `{"type","title","status","detail","code"}` with `type` derived from `code`.
    public static func problem(status: Int, code: String, title: String, detail: String) -> HTTPResponse {
        json(ProblemDocument.encode(status: status, code: code, title: title, detail: detail),
             status: status, contentType: "application/problem+json")
    }
}
