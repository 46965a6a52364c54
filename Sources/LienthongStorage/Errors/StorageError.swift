/// An error from the embedded store, with a stable `code` (`storage.*`) and SQLite's result code.
///
/// `detail` names the operation and SQLite's generic description of the result code; it never contains a bound
/// value or a row. Equality compares the code only.
public struct StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case open = "storage.open"
            case prepare = "storage.prepare"
            case bind = "storage.bind"
            case step = "storage.step"
            case execute = "storage.execute"
            case busy = "storage.busy"
            case constraint = "storage.constraint"
            case readOnly = "storage.read-only"
            case transaction = "storage.transaction"
            case misuse = "storage.misuse"
            case poolClosed = "storage.pool-closed"
            case cancelled = "storage.cancelled"
        }
        private let kind: Kind

        /// The database could not be opened.
        public static let open = Code(kind: .open)
        /// A statement did not compile.
        public static let prepare = Code(kind: .prepare)
        /// A value could not be bound (bad index or unknown parameter name).
        public static let bind = Code(kind: .bind)
        /// Evaluating a statement failed.
        public static let step = Code(kind: .step)
        /// A batch of SQL (`execute`) failed.
        public static let execute = Code(kind: .execute)
        /// The database stayed locked longer than the busy timeout.
        public static let busy = Code(kind: .busy)
        /// A constraint (unique, not null, foreign key, check) was violated.
        public static let constraint = Code(kind: .constraint)
        /// A write was attempted on a read-only connection.
        public static let readOnly = Code(kind: .readOnly)
        /// Beginning, committing or rolling back a transaction failed.
        public static let transaction = Code(kind: .transaction)
        /// The API was used wrongly (e.g. a column index out of range).
        public static let misuse = Code(kind: .misuse)
        /// The connection pool was closed.
        public static let poolClosed = Code(kind: .poolClosed)
        /// The task waiting for a connection was cancelled.
        public static let cancelled = Code(kind: .cancelled)

        /// The code as written in logs and problem documents, e.g. `storage.busy`.
        public var wireCode: String { kind.rawValue }
        public var description: String { kind.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// SQLite's (extended) result code, when SQLite reported the failure.
    public var sqliteCode: Int32?
    /// The operation and SQLite's generic message; never a value.
    public var detail: String

    /// Creates an error.
    public init(code: Code, sqliteCode: Int32? = nil, detail: String) {
        self.code = code
        self.sqliteCode = sqliteCode
        self.detail = detail
    }

    public var description: String {
        if let sqliteCode { "\(code.wireCode) (sqlite \(sqliteCode)): \(detail)" } else { "\(code.wireCode): \(detail)" }
    }

    /// Errors compare by code only.
    public static func == (lhs: StorageError, rhs: StorageError) -> Bool { lhs.code == rhs.code }
}
