import LienthongCore
import LienthongJSON

/// The problems of the admin listener, each with its stable `code`.
enum AdminProblems {
    /// The `WWW-Authenticate` challenge of the admin listener's 401s: operator tokens, in their own realm.
    static let challenge = #"Bearer realm="lienthong-admin""#

    static func forbidden(_ required: OperatorRole) -> Problem {
        Problem(
            status: 403, code: "admin-forbidden", title: "Role too low",
            detail: "This needs the \(required.rawValue) role or higher.",
            extensions: ["requiredRole": .string(required.rawValue)])
    }

    static func invalidBody(_ detail: String) -> Problem {
        Problem(status: 400, code: "admin-invalid-request", title: "Invalid admin request", detail: detail)
    }

    /// A change that `config check` would refuse: nothing was written.
    static func invalidChange(_ problems: [String]) -> Problem {
        Problem(
            status: 422, code: "admin-invalid-change", title: "The change does not pass config check",
            detail: "Nothing was written; the node runs what it ran.",
            extensions: ["problems": .array(problems.map { .string($0) })])
    }

    static func notFound(_ what: String) -> Problem {
        Problem(status: 404, code: "admin-not-found", title: "Not found", detail: "No such \(what).")
    }

    /// The file changed on disk while the change was prepared (a hand edit): nothing was written.
    static func fileChanged(_ file: String) -> Problem {
        Problem(
            status: 409, code: "admin-file-changed", title: "The file changed meanwhile",
            detail: "\(file) changed on disk while the change was prepared; nothing was written, try again.")
    }

    static func writeFailed(_ file: String) -> Problem {
        Problem(
            status: 500, code: "admin-write-failed", title: "Cannot write the configuration",
            detail: "\(file) could not be written; nothing changed.")
    }

    /// A state-changing request of a dashboard session without the session's CSRF token, or sent from another site.
    static func csrf(_ detail: String) -> Problem {
        Problem(status: 403, code: "admin-csrf", title: "Cross-site request refused", detail: detail)
    }
}
