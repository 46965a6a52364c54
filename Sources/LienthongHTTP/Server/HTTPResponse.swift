/// A response produced by an ``HTTPHandler``.
public struct HTTPResponse: Sendable {
    /// The status code, e.g. `200`.
    public var status: Int
    /// The header fields; `Content-Length` is set by the server.
    public var headers: HTTPHeaders
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int = 200, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
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
