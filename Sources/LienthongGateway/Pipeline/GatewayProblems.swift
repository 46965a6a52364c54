import LienthongCore

/// The problems the pipeline itself raises (connectors, access, trust and identifiers bring their own).
enum GatewayProblems {
    static func unauthenticated(_ detail: String) -> Problem {
        Problem(status: 401, code: "unauthenticated", title: "Authentication required", detail: detail)
    }

    static let purposeRequired = Problem(
        status: 400, code: "purpose-required", title: "Purpose required",
        detail: "Every lookup states its purpose in the Lienthong-Purpose header."
    )

    static let invalidRequestID = Problem(
        status: 400, code: "invalid-request-id", title: "Invalid request id",
        detail: "Lienthong-Request-Id must be a UUID."
    )

    static func unknownRegistry(_ name: String) -> Problem {
        Problem(
            status: 404, code: "unknown-registry", title: "Unknown registry",
            detail: "No registry named '\(name.prefix(64))' is served by this node."
        )
    }

    static func recordNotFound(_ registry: String) -> Problem {
        Problem(
            status: 404, code: "record-not-found", title: "Record not found",
            detail: "Registry '\(registry)' holds no record with this key."
        )
    }

    static let notFound = Problem(status: 404, code: "not-found", title: "Not found", detail: "No such resource.")

    static let methodNotAllowed = Problem(
        status: 405, code: "method-not-allowed", title: "Method not allowed",
        detail: "This resource does not support the method."
    )

    static let invalidFields = Problem(
        status: 400, code: "invalid-fields", title: "Invalid fields parameter",
        detail: "fields is a comma-separated list of canonical field names."
    )

    static let auditUnavailable = Problem(
        status: 503, code: "audit-unavailable", title: "Audit log unavailable",
        detail: "The exchange could not be recorded, so no data was released."
    )

    static let internalError = Problem(
        status: 500, code: "internal-error", title: "Internal error", detail: "The gateway failed to answer."
    )

    static func contractViolation(_ registry: String, _ detail: String) -> Problem {
        Problem(
            status: 502, code: "upstream-contract-violation", title: "The registry answered outside its contract",
            detail: detail, extensions: ["registry": .string(registry)]
        )
    }
}
