/// An error from PostgreSQL: a stable ``Code`` and a detail that names what failed.
///
/// The detail never holds parameter values, row values or passwords: query errors carry the
/// SQLSTATE and the schema names the server reports (table, column, constraint), never the
/// server's message text, which may quote a value. Equality compares the code only.
public struct PostgresError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure; new codes may be added without breaking a caller's `switch`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case connect = "postgres.connect"
            case query = "postgres.query"
            case connectionLost = "postgres.connection-lost"
            case timeout = "postgres.timeout"
            case poolClosed = "postgres.pool-closed"
            case cancelled = "postgres.cancelled"
            case invalidParameter = "postgres.invalid-parameter"
        }

        private let kind: Kind

        /// The connection could not be opened (server down, refused, authentication, bad conninfo).
        public static let connect = Code(kind: .connect)
        /// The server rejected a statement (syntax, constraint, type); the connection is still usable.
        public static let query = Code(kind: .query)
        /// The connection broke while in use; it must be reset or replaced.
        public static let connectionLost = Code(kind: .connectionLost)
        /// No pooled connection became free within the checkout timeout.
        public static let timeout = Code(kind: .timeout)
        /// The pool was closed.
        public static let poolClosed = Code(kind: .poolClosed)
        /// The task waiting for a pooled connection was cancelled.
        public static let cancelled = Code(kind: .cancelled)
        /// A parameter cannot be sent as text (it contains a NUL byte).
        public static let invalidParameter = Code(kind: .invalidParameter)

        /// The stable code string, as used in problem+json `code` and in logs.
        public var wireCode: String { kind.rawValue }

        /// The stable code string.
        public var description: String { kind.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What failed, without values or secrets.
    public var detail: String
    /// The five-character SQLSTATE the server reported, when there is one (e.g. `23505`).
    public var sqlState: String?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The kind of failure.
    ///   - detail: What failed; must not contain values or secrets.
    ///   - sqlState: The server's SQLSTATE, if any.
    public init(_ code: Code, _ detail: String, sqlState: String? = nil) {
        self.code = code
        self.detail = detail
        self.sqlState = sqlState
    }

    /// `code: detail`.
    public var description: String { "\(code.wireCode): \(detail)" }

    /// Compares codes only.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
}
