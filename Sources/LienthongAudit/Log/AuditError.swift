/// A failure of the audit log. The gateway answers 503 `audit-unavailable`: no response leaves
/// without its audit record.
public struct AuditError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case storage = "audit.storage"
            case closed = "audit.closed"
            case corrupt = "audit.corrupt"
        }

        private let kind: Kind
        /// The store failed (open, write or fsync).
        public static let storage = Code(kind: .storage)
        /// The log was closed before the record was written.
        public static let closed = Code(kind: .closed)
        /// A stored record cannot be read back.
        public static let corrupt = Code(kind: .corrupt)
        public var description: String { kind.rawValue }
    }

    /// What failed.
    public var code: Code
    /// Context without personal data.
    public var detail: String

    public init(code: Code, detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { "\(code): \(detail)" }
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
}
