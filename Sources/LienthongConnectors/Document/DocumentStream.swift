public import LienthongHTTP

/// A registry's document for one key, arriving while it is read; never held whole in memory.
///
/// ```swift
/// guard let document = try await land.document(key: "00004-12-345") else { return notFound }
/// while let chunk = try await document.next() { hasher.update(chunk) }
/// ```
/// Dropping the stream before its end aborts the transfer.
public struct DocumentStream: Sendable {
    /// The registry, used in errors.
    public let registry: String
    /// The media type the registry's configuration declares.
    public let contentType: String
    /// The length the agency announced (`Content-Length`), if it did.
    public let announcedLength: Int?
    private let body: HTTPClientStream

    /// Wraps the body of an agency's 2xx answer.
    public init(registry: String, contentType: String, body: HTTPClientStream) {
        self.registry = registry
        self.contentType = contentType
        self.announcedLength = body.headers["Content-Length"].flatMap { Int($0) }
        self.body = body
    }

    /// The bytes received since the last call (waiting for some), or `nil` once the document is complete.
    /// - Throws: `upstream-timeout` when the transfer outlived its time, `upstream-contract-violation` when the
    ///   document outgrew its limit, `upstream-unavailable` when the agency cut the transfer short.
    public func next() async throws(ConnectorError) -> [UInt8]? {
        do {
            return try await body.next()
        } catch {
            throw ConnectorError(transfer: error, registry: registry)
        }
    }

    /// Aborts the transfer.
    public func cancel() {
        body.cancel()
    }
}
