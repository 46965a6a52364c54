import Foundation
import LienthongCore
import LienthongHTTP

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

extension LookupRequest {
    /// The request's purpose, fields and request id (the caller's `Lienthong-Request-Id`, which must be a UUID,
    /// or a new one).
    static func from(_ request: HTTPRequest, registry: String, key: String) -> Result<LookupRequest, Problem> {
        let requestID: String
        let given = request.headers["Lienthong-Request-Id"]
        if let given {
            guard let uuid = UUID(uuidString: given) else { return .failure(GatewayProblems.invalidRequestID) }
            requestID = uuid.uuidString.lowercased()
        } else {
            requestID = UUID().uuidString.lowercased()
        }
        return .success(
            LookupRequest(
                registry: registry, key: key, purpose: request.headers["Lienthong-Purpose"], requestID: requestID,
                requestIDGiven: given != nil, fields: request.queryValue("fields"), path: request.path,
                query: request.query
            )
        )
    }
}
