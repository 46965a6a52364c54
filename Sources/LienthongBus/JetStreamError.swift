/// A failure talking to JetStream, with a stable code; `detail` carries libnats' status text, never message content.
public struct JetStreamError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable error code.
    public struct Code: Hashable, Sendable {
        private enum Kind: String {
            case connect = "bus.connect-failed"
            case stream = "bus.stream-failed"
            case publish = "bus.publish-failed"
            case fetch = "bus.fetch-failed"
        }
        private let kind: Kind
        /// No server of the list could be reached, or the JetStream context could not be made.
        public static let connect = Code(kind: .connect)
        /// A stream or its consumer could not be created, updated or bound.
        public static let stream = Code(kind: .stream)
        /// A publish was refused, or its acknowledgement did not come in time.
        public static let publish = Code(kind: .publish)
        /// Pulling messages from a consumer failed (other than finding none).
        public static let fetch = Code(kind: .fetch)
        /// The stable code.
        public var wireCode: String { kind.rawValue }
    }

    /// The code.
    public var code: Code
    /// The operation and libnats' status (and JetStream error code, when there is one).
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
