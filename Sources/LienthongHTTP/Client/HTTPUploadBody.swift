/// A request body libcurl reads a piece at a time while it sends (`CURLOPT_READFUNCTION`), so a large body (a
/// document's attachments read from disk) is never held whole in memory. Sent with `Content-Length: length`.
///
/// `next` runs on the client's engine thread, one call at a time; it returns the next piece, an empty array at the
/// end, and throws to abort the transfer (the request then fails). The body is read once: a transfer that would
/// need it again (libcurl rewinding on a reused connection that died) fails, and the caller tries again later.
public struct HTTPUploadBody: Sendable {
    /// The body's length in bytes: what `next` yields in all.
    public let length: Int
    /// The next piece; empty at the end.
    public let next: @Sendable () throws -> [UInt8]

    /// A body of `length` bytes read by `next`.
    public init(length: Int, next: @escaping @Sendable () throws -> [UInt8]) {
        self.length = length
        self.next = next
    }
}
