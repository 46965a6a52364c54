/// Why an ``HTTPServer`` could not start or run.
public struct HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable error code.
    public struct Code: Hashable, Sendable {
        private enum Kind: String {
            case bindFailed = "http-server.bind-failed"
            case tlsConfiguration = "http-server.tls-configuration"
            case invalidConfiguration = "http-server.invalid-configuration"
            case alreadyRunning = "http-server.already-running"
            case loopFailed = "http-server.loop-failed"
        }
        private let kind: Kind
        /// The address could not be bound or listened on.
        public static let bindFailed = Code(kind: .bindFailed)
        /// The certificate, key or CA could not be loaded, or do not match.
        public static let tlsConfiguration = Code(kind: .tlsConfiguration)
        /// A configuration value is out of range.
        public static let invalidConfiguration = Code(kind: .invalidConfiguration)
        /// ``HTTPServer/start()`` or ``HTTPServer/run()`` was called on a server that already ran.
        public static let alreadyRunning = Code(kind: .alreadyRunning)
        /// libevent could not create an event base or HTTP server.
        public static let loopFailed = Code(kind: .loopFailed)
        /// The stable wire code.
        public var wireCode: String { kind.rawValue }
    }

    /// What failed.
    public var code: Code
    /// Which address, file or setting failed (no secrets).
    public var detail: String

    /// Creates an error.
    public init(code: Code, detail: String) {
        self.code = code
        self.detail = detail
    }

    /// `code: detail`.
    public var description: String { "\(code.wireCode): \(detail)" }

    /// Errors are equal when their codes are.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
}
