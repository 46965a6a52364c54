import LienthongCore
import LienthongHTTP
import LienthongJSON

extension HTTPResponse {
    /// The header that repeats a problem's `code`, so clients (and the metrics) need not parse the body.
    static let problemCodeHeader = "Lienthong-Problem-Code"

    /// An RFC 9457 problem response carrying the request id, and `Retry-After` when the problem says when to retry
    /// (its `retryAfter` member, in seconds).
    static func problem(_ problem: Problem, requestID: String?) -> HTTPResponse {
        var headers: HTTPHeaders = [
            "Content-Type": "application/problem+json", "Cache-Control": "no-store", problemCodeHeader: problem.code,
        ]
        if let requestID { headers.add(name: "Lienthong-Request-Id", value: requestID) }
        if let seconds = problem.extensions["retryAfter"]?.numberValue?.int {
            headers.add(name: "Retry-After", value: String(seconds))
        }
        return HTTPResponse(status: problem.status, headers: headers, body: problem.json().serializedBytes())
    }

    /// A JSON response.
    static func json(_ value: JSONValue, status: Int = 200, requestID: String? = nil) -> HTTPResponse {
        jsonBytes(value.serializedBytes(), status: status, requestID: requestID)
    }

    /// A response with already serialised JSON.
    static func jsonBytes(_ bytes: [UInt8], status: Int = 200, requestID: String? = nil) -> HTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": "application/json", "Cache-Control": "no-store"]
        if let requestID { headers.add(name: "Lienthong-Request-Id", value: requestID) }
        return HTTPResponse(status: status, headers: headers, body: bytes)
    }
}
