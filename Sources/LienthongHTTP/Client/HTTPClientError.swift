/// Why an ``HTTPClient`` exchange failed.
public struct HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable error code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case timeout = "http-client.timeout"
            case connectionFailed = "http-client.connection-failed"
            case responseTooLarge = "http-client.response-too-large"
            case tls = "http-client.tls"
            case certificateNotPinned = "http-client.certificate-not-pinned"
            case invalidRequest = "http-client.invalid-request"
            case cancelled = "http-client.cancelled"
            case failed = "http-client.failed"
        }
        private let kind: Kind
        /// The connect or total timeout elapsed.
        public static let timeout = Code(kind: .timeout)
        /// The connection was refused or reset, or the host name did not resolve.
        public static let connectionFailed = Code(kind: .connectionFailed)
        /// The response body exceeded ``HTTPClientRequest/maxResponseBytes``.
        public static let responseTooLarge = Code(kind: .responseTooLarge)
        /// The TLS handshake failed, the peer certificate did not verify, or a certificate file is bad.
        public static let tls = Code(kind: .tls)
        /// The server's certificate verified but is not one of ``HTTPClientRequest/pinnedCertificates``: nothing was
        /// sent.
        public static let certificateNotPinned = Code(kind: .certificateNotPinned)
        /// The URL or a header is invalid.
        public static let invalidRequest = Code(kind: .invalidRequest)
        /// The calling task was cancelled or the client shut down.
        public static let cancelled = Code(kind: .cancelled)
        /// Any other transfer failure.
        public static let failed = Code(kind: .failed)
        /// The stable wire code.
        public var wireCode: String { kind.rawValue }
        /// The wire code.
        public var description: String { kind.rawValue }
    }

    /// What failed.
    public var code: Code
    /// libcurl's explanation and the URL's host (no header values or bodies).
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
