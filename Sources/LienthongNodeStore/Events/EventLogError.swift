/// A failure of the event log, with a stable code; no event content in `detail`.
public struct EventLogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable error code.
    public struct Code: Hashable, Sendable {
        private enum Kind: String {
            case storage = "event.store-unavailable"
            case sequenceConflict = "event.sequence-conflict"
        }
        private let kind: Kind
        /// The store could not be opened, read or written.
        public static let storage = Code(kind: .storage)
        /// The registry moved past the state an append was read from (another writer appended meanwhile).
        public static let sequenceConflict = Code(kind: .sequenceConflict)
        /// The problem+json `code`.
        public var wireCode: String { kind.rawValue }
    }

    /// The code.
    public var code: Code
    /// The operation and the storage's error code.
    public var detail: String

    /// An error.
    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// `code: detail`.
    public var description: String { "\(code.wireCode): \(detail)" }

    /// Equal when the codes are.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
}
