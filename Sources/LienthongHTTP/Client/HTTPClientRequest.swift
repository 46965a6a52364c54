/// A request sent by ``HTTPClient``.
public struct HTTPClientRequest: Sendable {
    /// The absolute `http` or `https` URL.
    public var url: String
    /// The method.
    public var method: HTTPMethod
    /// Header fields to send (libcurl adds `Host`, `Content-Length` and the like).
    public var headers: HTTPHeaders
    /// The body; sent with a `Content-Length` when the method is not `GET` or `HEAD`.
    public var body: [UInt8]
    /// The longest wait for the TCP (and TLS) connection.
    public var connectTimeout: Duration
    /// The longest the whole exchange may take, connection included.
    public var totalTimeout: Duration
    /// The largest response body accepted; the transfer is aborted as soon as more arrives.
    public var maxResponseBytes: Int
    /// The SHA-256 digests of the DER the server's certificate must be one of; `nil` takes any that verifies.
    /// Checked on every request, on a new connection or a reused one, before the request is sent.
    public var pinnedCertificates: Set<[UInt8]>?
    /// A body read while it is sent, instead of ``body`` (which must then be empty).
    public var upload: HTTPUploadBody? = nil

    /// Creates a request.
    public init(
        url: String,
        method: HTTPMethod = .get,
        headers: HTTPHeaders = [:],
        body: [UInt8] = [],
        connectTimeout: Duration = .seconds(10),
        totalTimeout: Duration = .seconds(30),
        maxResponseBytes: Int = 16 * 1024 * 1024,
        pinnedCertificates: Set<[UInt8]>? = nil
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.connectTimeout = connectTimeout
        self.totalTimeout = totalTimeout
        self.maxResponseBytes = maxResponseBytes
        self.pinnedCertificates = pinnedCertificates
    }
}
