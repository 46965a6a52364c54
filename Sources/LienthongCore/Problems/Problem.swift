public import LienthongJSON

/// An RFC 9457 problem: what the gateway answers for every error, with a stable machine-readable `code`.
///
/// `detail` names identifiers only (a request id, a rule, a JSON Pointer): never a record value, a key,
/// a token or a personal identifier.
public struct Problem: Error, Sendable, Equatable {
    /// The HTTP status code.
    public var status: Int
    /// The stable code, e.g. `invalid-identifier`; clients switch on this.
    public var code: String
    /// A short, human-readable summary that does not change between occurrences.
    public var title: String
    /// What went wrong in this occurrence, without personal data.
    public var detail: String
    /// Extra members of the problem object (e.g. `missingGrant`, `rule`).
    public var extensions: [String: JSONValue]

    /// Creates a problem.
    public init(status: Int, code: String, title: String, detail: String, extensions: [String: JSONValue] = [:]) {
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail
        self.extensions = extensions
    }

    /// The problem as a JSON object (`type`, `title`, `status`, `detail`, `code` and the extensions).
    public func json(instance: String? = nil) -> JSONValue {
        var object = JSONObject(extensions)
        object["type"] = .string("https://lienthong.gov.vn/problems/\(code)")
        object["title"] = .string(title)
        object["status"] = .number(JSONNumber(status))
        object["detail"] = .string(detail)
        object["code"] = .string(code)
        if let instance { object["instance"] = .string(instance) }
        return .object(object)
    }
}

/// An error that knows which ``Problem`` it becomes at the API boundary.
///
/// Errors that do not conform are answered as a plain 500 `internal-error` with no detail.
public protocol ProblemConvertible: Error {
    /// The problem this error becomes.
    var problem: Problem { get }
}

extension Problem: ProblemConvertible {
    public var problem: Problem { self }
}
