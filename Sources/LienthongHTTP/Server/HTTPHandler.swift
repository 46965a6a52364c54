/// Answers requests for ``HTTPServer``.
///
/// The handler runs as a child task of ``HTTPServer/run()``; it is cancelled if it outlives the shutdown
/// grace period.
///
/// ```swift
/// struct Hello: HTTPHandler {
///     func handle(_ request: HTTPRequest) async -> HTTPResponse {
///         .json(Array(#"{"hello":"world"}"#.utf8))
///     }
/// }
/// ```
public protocol HTTPHandler: Sendable {
    /// Produces the response for one request.
    func handle(_ request: HTTPRequest) async -> HTTPResponse
}
