/// Checks the raw bytes of a request head before evhttp parses them (RFC 9110 §5, §8.6; RFC 9112 §2-§7).
///
/// evhttp is lenient where leniency lets a proxy and this server disagree about where a request ends: it takes
/// the first of two `Content-Length`s, reads `+2` as 2, ends a header value at a NUL and treats
/// `Transfer-Encoding: gzip, chunked` as no coding at all. This check splits lines and fields only to judge them;
/// evhttp still parses the head it lets through.
enum RequestHeadCheck {
    /// How the body of an accepted head is framed.
    struct Framing: Equatable, Sendable {
        /// The declared body length, if `Content-Length` was sent.
        var contentLength: Int?
        /// Whether the body uses chunked transfer coding.
        var chunked: Bool
        /// Whether the request names a ``StreamedBodyRoute``: its body goes to the handler as it arrives.
        var streamed = false
    }

    /// Judges `head` (request line, header lines and the blank line that ends them).
    ///
    /// - Parameter streamedRoutes: routes whose bodies stream; their own limit replaces `maxBodyBytes`.
    /// - Returns: The body's framing, or why the request must be refused.
    static func check(
        _ head: ArraySlice<UInt8>, maxBodyBytes: Int, streamedRoutes: [StreamedBodyRoute] = []
    ) -> Result<Framing, RequestHeadError> {
        var lines = head.split(separator: lf, omittingEmptySubsequences: false).map { line in
            line.last == cr ? line.dropLast() : line
        }
        while let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let requestLine = lines.first else { return .failure(.init(code: .badRequest)) }
        let parts = requestLine.split(separator: space, omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }), parts[2].starts(with: Array("HTTP/".utf8)),
            requestLine.allSatisfy({ $0 > 0x20 && $0 != 0x7F || $0 == space })
        else { return .failure(.init(code: .badRequest)) }
        if parts[0].elementsEqual("CONNECT".utf8) { return .failure(.init(code: .methodNotAllowed)) }
        let version = String(decoding: parts[2], as: UTF8.self)
        let requiresHost = version != "HTTP/1.0" && version != "HTTP/0.9"
        let route = streamedRoutes.first { $0.matches(method: parts[0], target: parts[1]) }

        var contentLength: Int?
        var transferEncodings = 0
        var chunked = false
        var hosts = 0
        for line in lines.dropFirst() {
            guard let field = headerField(line) else { return .failure(.init(code: .invalidHeader)) }
            switch field.name {
            case "content-length":
                guard !field.value.isEmpty, field.value.allSatisfy({ (0x30...0x39).contains($0) }) else {
                    return .failure(.init(code: .invalidContentLength))
                }
                // More digits than the limit can have is over the limit, whatever the number.
                let length = field.value.count > 18 ? Int.max : Int(String(decoding: field.value, as: UTF8.self))!
                if let earlier = contentLength, earlier != length {
                    return .failure(.init(code: .conflictingContentLength))
                }
                contentLength = length
            case "transfer-encoding":
                transferEncodings += 1
                chunked = String(decoding: field.value, as: UTF8.self).lowercased() == "chunked"
            case "host":
                hosts += 1
            default:
                continue
            }
        }
        if transferEncodings > 1 || (transferEncodings == 1 && !chunked) {
            return .failure(.init(code: .unsupportedTransferEncoding))
        }
        if chunked, contentLength != nil { return .failure(.init(code: .conflictingFraming)) }
        if hosts > 1 { return .failure(.init(code: .duplicateHost)) }
        if hosts == 0, requiresHost { return .failure(.init(code: .missingHost)) }
        if route != nil, chunked { return .failure(.init(code: .lengthRequired)) }
        if let contentLength, contentLength > route?.maxBodyBytes ?? maxBodyBytes {
            return .failure(.init(code: .payloadTooLarge))
        }
        return .success(Framing(contentLength: contentLength, chunked: chunked, streamed: route != nil))
    }

    /// `head` without its `Content-Length` and `Expect` lines, for evhttp to read as a request without a body (the
    /// loop hands a streamed body to the handler itself), and the fields taken out.
    static func withoutBodyFraming(_ head: ArraySlice<UInt8>) -> (head: [UInt8], removed: [HTTPHeaders.Field]) {
        var kept: [UInt8] = []
        var removed: [HTTPHeaders.Field] = []
        var first = true
        for line in head.split(separator: lf, omittingEmptySubsequences: false).dropLast() {
            let content = line.last == cr ? line.dropLast() : line
            if !first, let field = headerField(content), field.name == "content-length" || field.name == "expect" {
                let name = String(decoding: content.prefix { $0 != colon }, as: UTF8.self)
                removed.append(.init(name: name, value: String(decoding: field.value, as: UTF8.self)))
                continue
            }
            first = false
            kept += line
            kept.append(lf)
        }
        return (kept, removed)
    }

    /// The end of the head in `bytes` (the index after its blank line), searching from `start`.
    static func headEnd(in bytes: [UInt8], from start: Int) -> Int? {
        var index = max(start, 1)
        while index < bytes.count {
            if bytes[index] == lf {
                // A blank line: LF right after the previous line's LF, with or without a CR between.
                if bytes[index - 1] == lf { return index + 1 }
                if bytes[index - 1] == cr, index >= 2, bytes[index - 2] == lf { return index + 1 }
            }
            index += 1
        }
        return nil
    }

    /// A header line's lower-cased name and its value without surrounding whitespace; `nil` when malformed.
    private static func headerField(_ line: ArraySlice<UInt8>) -> (name: String, value: ArraySlice<UInt8>)? {
        // A name is a token right up to the colon: no whitespace before it (RFC 9112 §5.1), no line folding.
        guard let separator = line.firstIndex(of: colon), separator > line.startIndex,
            line[..<separator].allSatisfy(isTokenCharacter)
        else { return nil }
        var value = line[(separator + 1)...]
        // Field values are visible characters, spaces and tabs (RFC 9110 §5.5): a NUL, CR or DEL is refused.
        guard value.allSatisfy({ $0 == space || $0 == tab || ($0 > 0x20 && $0 != 0x7F) }) else { return nil }
        while let first = value.first, first == space || first == tab { value = value.dropFirst() }
        while let last = value.last, last == space || last == tab { value = value.dropLast() }
        return (String(decoding: line[..<separator], as: UTF8.self).lowercased(), value)
    }

    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")
    private static let colon = UInt8(ascii: ":")
}
