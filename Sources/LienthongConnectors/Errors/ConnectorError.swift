public import LienthongCore
import LienthongJSON

/// Why a registry lookup failed, with a stable code that becomes the API's problem `code`.
///
/// `detail` names the registry and the failing part (a storage code, a mapping rule), never a key or a value.
/// Equality compares the code only.
public struct ConnectorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case unavailable = "upstream-unavailable"
            case timeout = "upstream-timeout"
            case upstreamContractViolation = "upstream-contract-violation"
            case configuration = "connector-configuration"
            case unsupported = "connector-unsupported"
            case closed = "connector-closed"
            case circuitOpen = "upstream-circuit-open"
            case invalidSearch = "invalid-search"
            case searchTooBroad = "search-too-broad"
        }
        private let kind: Kind

        /// The back end could not be reached or failed (storage error, connection refused, 5xx).
        public static let unavailable = Code(kind: .unavailable)
        /// The back end did not answer in time.
        public static let timeout = Code(kind: .timeout)
        /// The back end answered with data that breaks its documented format (a mapping error, two rows for one key).
        public static let upstreamContractViolation = Code(kind: .upstreamContractViolation)
        /// The connector's configuration is invalid (unknown kind, missing member, bad file).
        public static let configuration = Code(kind: .configuration)
        /// The connector does not support the operation (e.g. search).
        public static let unsupported = Code(kind: .unsupported)
        /// The connector was closed.
        public static let closed = Code(kind: .closed)
        /// The registry failed repeatedly and its circuit breaker is open: the lookup was not attempted.
        public static let circuitOpen = Code(kind: .circuitOpen)
        /// The search's page is out of range (limit 1-100, offset 0 or more) or a parameter is empty.
        public static let invalidSearch = Code(kind: .invalidSearch)
        /// The search matches more candidates than the registry allows; the caller must narrow it.
        public static let searchTooBroad = Code(kind: .searchTooBroad)

        /// The problem `code` written on the wire, e.g. `upstream-contract-violation`.
        public var wireCode: String { kind.rawValue }
        public var description: String { kind.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The registry the connector serves, e.g. `population`.
    public var registry: String
    /// What failed, without values.
    public var detail: String
    /// The code of the underlying error, e.g. `storage.busy` or `mapping.invalid-date`.
    public var cause: String?
    /// For `upstream-circuit-open`: how long until the breaker lets a probe through (the `Retry-After` hint).
    public var retryAfter: Duration?

    /// Creates an error.
    public init(code: Code, registry: String, detail: String, cause: String? = nil, retryAfter: Duration? = nil) {
        self.code = code
        self.registry = registry
        self.detail = detail
        self.cause = cause
        self.retryAfter = retryAfter
    }

    /// A mapping failure, reported as `upstream-contract-violation`.
    public init(_ mappingError: MappingError) {
        self.init(
            code: .upstreamContractViolation,
            registry: mappingError.registry,
            detail: mappingError.detail,
            cause: mappingError.code.wireCode
        )
    }

    public var description: String {
        "\(code.wireCode) [\(registry)]: \(detail)" + (cause.map { " (\($0))" } ?? "")
    }

    /// Errors compare by code only.
    public static func == (lhs: ConnectorError, rhs: ConnectorError) -> Bool { lhs.code == rhs.code }
}

extension ConnectorError: ProblemConvertible {
    /// The problem the API answers: 502 for a contract violation or an unreachable registry, 503 when the
    /// connector is closed (the node is stopping) or its circuit breaker is open (with a `retryAfter` member in
    /// whole seconds, rounded up), 504 timeout, 501 unsupported, 400 invalid search, 422 search too broad,
    /// 500 for configuration errors (whose detail stays in the log, not the response).
    public var problem: Problem {
        var extensions: [String: JSONValue] = ["registry": .string(registry)]
        if let cause { extensions["cause"] = .string(cause) }
        switch code {
        case .upstreamContractViolation:
            return Problem(
                status: 502, code: code.wireCode, title: "The registry answered outside its contract",
                detail: detail, extensions: extensions)
        case .unavailable:
            return Problem(
                status: 502, code: code.wireCode, title: "The registry is unavailable",
                detail: "registry '\(registry)' could not be reached", extensions: extensions)
        case .closed:
            return Problem(
                status: 503, code: "service-unavailable", title: "The gateway is stopping",
                detail: "registry '\(registry)' is closed", extensions: extensions)
        case .circuitOpen:
            if let retryAfter {
                let (seconds, attoseconds) = retryAfter.components
                extensions["retryAfter"] = .number(JSONNumber(max(0, Int(seconds) + (attoseconds > 0 ? 1 : 0))))
            }
            return Problem(
                status: 503, code: code.wireCode, title: "The registry is failing; requests are paused",
                detail: "registry '\(registry)' failed repeatedly; its circuit breaker is open",
                extensions: extensions)
        case .timeout:
            return Problem(
                status: 504, code: code.wireCode, title: "The registry did not answer in time",
                detail: "registry '\(registry)' timed out", extensions: extensions)
        case .invalidSearch:
            return Problem(
                status: 400, code: code.wireCode, title: "The search is invalid", detail: detail, extensions: extensions)
        case .searchTooBroad:
            return Problem(
                status: 422, code: code.wireCode, title: "The search is too broad", detail: detail,
                extensions: extensions)
        case .unsupported:
            return Problem(
                status: 501, code: code.wireCode, title: "Not supported by this registry", detail: detail,
                extensions: extensions)
        default:
            return Problem(
                status: 500, code: "internal-error", title: "Internal error", detail: "connector misconfigured")
        }
    }
}
