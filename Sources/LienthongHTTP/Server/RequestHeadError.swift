/// Why the server refused a request before it reached the handler: framing, header syntax, limits, deadlines.
///
/// Each case is answered with an `application/problem+json` body carrying ``Code/wireCode`` and the connection is
/// closed, since the server can no longer tell where the next request would start.
struct RequestHeadError: Error, Sendable, Equatable {
    /// A stable problem code.
    struct Code: Hashable, Sendable {
        private enum Kind: String {
            case badRequest = "bad-request"
            case invalidHeader = "invalid-header"
            case invalidContentLength = "invalid-content-length"
            case conflictingContentLength = "conflicting-content-length"
            case unsupportedTransferEncoding = "unsupported-transfer-encoding"
            case conflictingFraming = "conflicting-framing"
            case missingHost = "missing-host"
            case duplicateHost = "duplicate-host"
            case invalidChunk = "invalid-chunk"
            case payloadTooLarge = "payload-too-large"
            case headersTooLarge = "headers-too-large"
            case requestTimeout = "request-timeout"
            case plainHTTPToTLSPort = "plain-http-to-tls-port"
            case methodNotAllowed = "method-not-allowed"
            case lengthRequired = "length-required"
        }
        private let kind: Kind
        /// The request line is malformed.
        static let badRequest = Code(kind: .badRequest)
        /// A header line has whitespace before its colon, an invalid name, a NUL or control byte, or is folded.
        static let invalidHeader = Code(kind: .invalidHeader)
        /// `Content-Length` is not a plain decimal number (e.g. `+2`, `0x10`, a list).
        static let invalidContentLength = Code(kind: .invalidContentLength)
        /// Two `Content-Length` fields disagree.
        static let conflictingContentLength = Code(kind: .conflictingContentLength)
        /// `Transfer-Encoding` is anything but a single `chunked`.
        static let unsupportedTransferEncoding = Code(kind: .unsupportedTransferEncoding)
        /// Both `Transfer-Encoding` and `Content-Length` are present.
        static let conflictingFraming = Code(kind: .conflictingFraming)
        /// An HTTP/1.1 request has no `Host`.
        static let missingHost = Code(kind: .missingHost)
        /// A request has more than one `Host`.
        static let duplicateHost = Code(kind: .duplicateHost)
        /// A chunk-size line of a chunked body is malformed.
        static let invalidChunk = Code(kind: .invalidChunk)
        /// The declared body is longer than the limit.
        static let payloadTooLarge = Code(kind: .payloadTooLarge)
        /// The request line and headers are longer than the limit.
        static let headersTooLarge = Code(kind: .headersTooLarge)
        /// The request head did not arrive within the header deadline.
        static let requestTimeout = Code(kind: .requestTimeout)
        /// A plain HTTP request arrived on the TLS port.
        static let plainHTTPToTLSPort = Code(kind: .plainHTTPToTLSPort)
        /// `CONNECT`: this server is no proxy, and evhttp would keep the connection open as if for a tunnel.
        static let methodNotAllowed = Code(kind: .methodNotAllowed)
        /// A route whose body streams was sent a chunked body: it needs `Content-Length`.
        static let lengthRequired = Code(kind: .lengthRequired)
        /// The problem+json `code`.
        var wireCode: String { kind.rawValue }
    }

    /// What was wrong.
    var code: Code

    /// The HTTP status the refusal is answered with.
    var status: Int {
        switch code {
        case .payloadTooLarge: 413
        case .headersTooLarge: 431
        case .requestTimeout: 408
        case .methodNotAllowed: 405
        case .lengthRequired: 411
        default: 400
        }
    }

    /// A short sentence for the problem's `detail` (no request bytes: they may carry tokens).
    var detail: String {
        switch code {
        case .badRequest: "The request line could not be parsed."
        case .invalidHeader: "A header field is malformed (name, whitespace before the colon, or control bytes)."
        case .invalidContentLength: "Content-Length must be a decimal number."
        case .conflictingContentLength: "The request has Content-Length fields that disagree."
        case .unsupportedTransferEncoding: "Transfer-Encoding must be exactly 'chunked'."
        case .conflictingFraming: "The request has both Transfer-Encoding and Content-Length."
        case .missingHost: "An HTTP/1.1 request must have a Host header."
        case .duplicateHost: "The request has more than one Host header."
        case .invalidChunk: "A chunk size line of the body is malformed."
        case .payloadTooLarge: "The request body exceeds the configured limit."
        case .headersTooLarge: "The request line and headers exceed the configured limit."
        case .requestTimeout: "The request was not received in time."
        case .plainHTTPToTLSPort: "The plain HTTP request was sent to HTTPS port."
        case .methodNotAllowed: "The method is not supported."
        case .lengthRequired: "This resource reads its body as it arrives and needs Content-Length, not chunks."
        default: "The request could not be parsed."
        }
    }

    /// The problem+json response that answers the refusal.
    var response: HTTPResponse {
        let title = ProblemDocument.standard(status: status).title
        var response = HTTPResponse.problem(status: status, code: code.wireCode, title: title, detail: detail)
        if code == .methodNotAllowed { response.headers["Allow"] = ProblemDocument.allowedMethods }
        return response
    }

    /// Errors are equal when their codes are.
    static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
}
