/// A response received by ``HTTPClient``.
public struct HTTPClientResponse: Sendable {
    /// The status code.
    public var status: Int
    /// The header fields of the final response.
    public var headers: HTTPHeaders
    /// The body bytes.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: HTTPHeaders = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
