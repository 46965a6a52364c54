/// A failure of the audit log. The gateway answers 503 `audit-unavailable`: no response leaves
/// without its audit record.
public struct AuditError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case storage = "audit.storage"
            case closed = "audit.closed"
            case corrupt = "audit.corrupt"
            case checkpoint = "audit.checkpoint"
            case witness = "audit.witness"
            case unverified = "audit.unverified"
        }

        private let kind: Kind
        /// The store failed (open, write or fsync).
        public static let storage = Code(kind: .storage)
        /// The log was closed before the record was written.
        public static let closed = Code(kind: .closed)
        /// A stored record cannot be read back.
        public static let corrupt = Code(kind: .corrupt)
        /// A checkpoint cannot be signed (key and certificate do not match, no member named).
        public static let checkpoint = Code(kind: .checkpoint)
        /// The witness cannot be read or written.
        public static let witness = Code(kind: .witness)
        /// The chain did not verify at start: the log takes no record until an operator seals the break.
        public static let unverified = Code(kind: .unverified)
        /// The stable text, e.g. `audit.storage`.
        public var description: String { kind.rawValue }
    }

    /// What failed.
    public var code: Code
    /// Context without personal data.
    public var detail: String

    /// An error with `code` and a `detail` that names ids, never personal data.
    public init(code: Code, detail: String) {
        self.code = code
        self.detail = detail
    }

    /// `code: detail`.
    public var description: String { "\(code): \(detail)" }
    /// Errors are equal when their codes are.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
}
