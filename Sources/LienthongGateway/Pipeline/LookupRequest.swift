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
    /// The signed request envelope the lookup came in, if any: it is verified for the consumer, and its hash is the
    /// response's `requestHash`.
    var signed: SignedRequest?
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
            requestID = RandomUUID.lowercased()
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

extension LookupRequest {
    /// The lookup a signed request asks for: request id, purpose and fields come from its message.
    init(signed: SignedRequest, registry: String, key: String, request: HTTPRequest) {
        self.init(
            registry: registry, key: key, purpose: signed.purpose, requestID: signed.requestID, fields: signed.fields,
            path: request.path, query: request.query, signed: signed
        )
    }
}
