import LienthongCore

/// A record lookup as the pipeline sees it, independent of HTTP.
struct LookupRequest: Sendable {
    var registry: String
    var key: String
    var purpose: String?
    var requestID: String
    /// Whether the caller chose the request id (`Lienthong-Request-Id`): only those are checked for replay.
    var requestIDGiven: Bool = false
    /// The `fields` query parameter, unparsed.
    var fields: String?
    /// The path and query, for the request hash.
    var path: String
    var query: String?
}
