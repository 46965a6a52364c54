/// A route whose request bodies the server hands to the handler while they arrive (``HTTPRequest/bodyStream``)
/// instead of reading them whole first; its own body limit replaces ``HTTPServerConfiguration/maxBodyBytes``.
///
/// A streamed body must be framed by `Content-Length` (a chunked one is refused 411): the server then knows where
/// the body ends without parsing chunks itself.
public struct StreamedBodyRoute: Sendable, Hashable {
    /// The method the route answers, e.g. `POST`.
    public var method: HTTPMethod
    /// The exact path (no query), e.g. `/v1/messages`.
    public var path: String
    /// The largest body in bytes; a larger `Content-Length` is refused 413 before any body byte is read.
    public var maxBodyBytes: Int

    /// Creates a route.
    public init(method: HTTPMethod, path: String, maxBodyBytes: Int) {
        self.method = method
        self.path = path
        self.maxBodyBytes = maxBodyBytes
    }

    /// Whether the request line's method and target (query ignored) name this route.
    func matches(method: some Collection<UInt8>, target: some Collection<UInt8>) -> Bool {
        guard method.elementsEqual(self.method.rawValue.utf8) else { return false }
        let path = target.prefix { $0 != UInt8(ascii: "?") }
        return path.elementsEqual(self.path.utf8)
    }
}
