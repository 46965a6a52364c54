/// The problem+json bodies the HTTP layer writes itself (limits, shutdown, evhttp's own errors).
///
/// The gateway encodes richer problems with its JSON module; this one covers the five standard members.
enum ProblemDocument {
    /// Encodes `{"type","title","status","detail","code"}`.
    static func encode(status: Int, code: String, title: String, detail: String) -> [UInt8] {
        var out = "{\"type\":"
        appendString("https://lienthong.gov.vn/problems/\(code)", to: &out)
        out += ",\"title\":"
        appendString(title, to: &out)
        out += ",\"status\":\(status),\"detail\":"
        appendString(detail, to: &out)
        out += ",\"code\":"
        appendString(code, to: &out)
        out += "}"
        return Array(out.utf8)
    }

    /// The problem used for a status that the server produces on its own.
    static func standard(status: Int) -> (code: String, title: String, detail: String) {
        switch status {
        case 400: ("bad-request", "Bad request", "The request could not be parsed.")
        case 405: ("method-not-allowed", "Method not allowed", "The method is not supported.")
        case 408: ("request-timeout", "Request timeout", "The request was not received in time.")
        case 413: ("payload-too-large", "Payload too large", "The request body exceeds the configured limit.")
        case 417: ("expectation-failed", "Expectation failed", "The Expect header is not supported.")
        case 431:
            ("headers-too-large", "Request header fields too large",
             "The request line and headers exceed the configured limit.")
        case 501: ("not-implemented", "Not implemented", "The method is not implemented.")
        case 503: ("unavailable", "Service unavailable", "The server is shutting down.")
        default: ("http-\(status)", "HTTP error \(status)", "The server could not handle the request.")
        }
    }

    /// The `Allow` value of the server's own 405 answers (TRACE, CONNECT).
    static let allowedMethods = "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS"

    /// A full problem response for `status` as an ``HTTPResponse``.
    static func response(status: Int) -> HTTPResponse {
        let problem = standard(status: status)
        return .problem(status: status, code: problem.code, title: problem.title, detail: problem.detail)
    }

    private static func appendString(_ string: String, to out: inout String) {
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
