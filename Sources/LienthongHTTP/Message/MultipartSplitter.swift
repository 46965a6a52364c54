/// Splits a `multipart/*` body (RFC 2046 section 5.1) into parts as its bytes arrive, holding at most one part's
/// header block and a delimiter's length of body bytes: a part's content streams through ``Event/body(_:)``.
///
/// Only the framing is done here: boundary lines, header blocks (split into name/value fields), the closing
/// delimiter. What a part means is the caller's business.
///
/// ```swift
/// var splitter = try MultipartSplitter(boundary: "xyz")
/// for chunk in chunks {
///     for event in try splitter.feed(chunk) { … }   // .partStart(headers), .body(bytes), .partEnd
/// }
/// try splitter.finish()   // throws unless the closing delimiter was seen
/// ```
public struct MultipartSplitter: Sendable {
    /// What the splitter found in the bytes fed so far, in order.
    public enum Event: Sendable, Equatable {
        /// A part begins, with its header fields.
        case partStart(HTTPHeaders)
        /// More bytes of the current part's content.
        case body([UInt8])
        /// The current part's content is complete.
        case partEnd
    }

    /// Why a body is not a well-formed multipart body.
    public struct Failure: Error, Sendable, Equatable {
        /// What was wrong, for the operator log (no body bytes).
        public let reason: String
    }

    private enum State: Sendable {
        /// Before the first delimiter (the preamble is discarded).
        case preamble
        /// After a delimiter: `--` closes the body, CRLF opens a part's header block.
        case afterDelimiter
        case headers
        case content
        /// After the closing delimiter (the epilogue is discarded).
        case done
    }

    /// The largest header block of one part.
    public static let maxHeaderBytes = 8 * 1024
    /// The most parts one body may hold.
    public static let maxParts = 64
    /// The most transport padding (spaces, tabs) after a delimiter, before its CRLF.
    public static let maxPaddingBytes = 80

    /// `CRLF--boundary`: a body is read as if it began with CRLF, so the first delimiter needs no special case.
    private let delimiter: [UInt8]
    private var state = State.preamble
    private var held: [UInt8] = [13, 10]
    private var parts = 0

    /// A splitter for `boundary` (1 to 70 characters, RFC 2046).
    /// - Throws: ``Failure`` for an empty or too long boundary.
    public init(boundary: String) throws(Failure) {
        guard (1...70).contains(boundary.utf8.count) else { throw Failure(reason: "boundary length") }
        delimiter = Array("\r\n--\(boundary)".utf8)
    }

    /// The `boundary` parameter of a `multipart/*` media type (quoted or not), or `nil` if it is not one.
    public static func boundary(ofContentType value: String) -> String? {
        let pieces = value.split(separator: ";").map { $0.trimmingCharacters(in: [" ", "\t"]) }
        guard let type = pieces.first?.lowercased(), type.hasPrefix("multipart/") else { return nil }
        for parameter in pieces.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, pair[0].lowercased() == "boundary" else { continue }
            var value = pair[1]
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
                value = String(value.dropFirst().dropLast())
            }
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// Consumes `bytes` and returns what they complete.
    /// - Throws: ``Failure`` for a header block over ``maxHeaderBytes``, a malformed header line, more than
    ///   ``maxParts`` parts or bytes other than padding after a delimiter.
    public mutating func feed(_ bytes: some Collection<UInt8>) throws(Failure) -> [Event] {
        if case .done = state { return [] }
        held.append(contentsOf: bytes)
        var events: [Event] = []
        while true {
            switch state {
            case .preamble, .content:
                let inContent = if case .content = state { true } else { false }
                if let found = firstDelimiter() {
                    if inContent {
                        if found > 0 { events.append(.body(Array(held[..<found]))) }
                        events.append(.partEnd)
                    }
                    held.removeFirst(found + delimiter.count)
                    state = .afterDelimiter
                    continue
                }
                // All but a possible delimiter's beginning can go now.
                let safe = held.count - (delimiter.count - 1)
                if safe > 0 {
                    if inContent { events.append(.body(Array(held[..<safe]))) }
                    held.removeFirst(safe)
                }
                return events
            case .afterDelimiter:
                guard held.count >= 2 else { return events }
                if held[0] == UInt8(ascii: "-") && held[1] == UInt8(ascii: "-") {
                    state = .done
                    held = []
                    return events
                }
                // Transport padding (spaces, tabs) may follow a delimiter before its CRLF.
                // The same bound whether the CRLF has arrived or not, so that the answer does not depend on how
                // the body was cut into reads (the multipart fuzz target found it did): while it has not, the
                // bytes held may be the longest padding allowed and the CR.
                guard let lineEnd = Self.index(of: [13, 10], in: held) else {
                    guard held.count <= Self.maxPaddingBytes + 1 else { throw Failure(reason: "delimiter line") }
                    return events
                }
                guard lineEnd <= Self.maxPaddingBytes, held[..<lineEnd].allSatisfy({ $0 == 32 || $0 == 9 }) else {
                    throw Failure(reason: "delimiter line")
                }
                held.removeFirst(lineEnd + 2)
                parts += 1
                guard parts <= Self.maxParts else { throw Failure(reason: "too many parts") }
                state = .headers
            case .headers:
                // An empty header block is CRLF at once; otherwise the block ends at CRLFCRLF.
                let end: Int
                let skip: Int
                if held.starts(with: [13, 10]) {
                    (end, skip) = (0, 2)
                } else if let found = Self.index(of: [13, 10, 13, 10], in: held) {
                    (end, skip) = (found, 4)
                } else {
                    // As for padding: the longest block allowed may be held with the first three bytes of its end.
                    guard held.count <= Self.maxHeaderBytes + 3 else {
                        throw Failure(reason: "part headers too large")
                    }
                    return events
                }
                guard end <= Self.maxHeaderBytes else { throw Failure(reason: "part headers too large") }
                events.append(.partStart(try Self.headers(held[..<end])))
                held.removeFirst(end + skip)
                state = .content
            case .done:
                return events
            }
        }
    }

    /// Checks that the body ended with its closing delimiter.
    /// - Throws: ``Failure`` if it did not (a truncated body, or no delimiter at all).
    public func finish() throws(Failure) {
        guard case .done = state else { throw Failure(reason: "no closing delimiter") }
    }

    private func firstDelimiter() -> Int? {
        Self.index(of: delimiter, in: held)
    }

    /// The first index of `needle` in `haystack`.
    private static func index(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count, let first = needle.first else { return nil }
        var start = 0
        while start <= haystack.count - needle.count {
            guard let candidate = haystack[start...].firstIndex(of: first),
                candidate <= haystack.count - needle.count
            else { return nil }
            if haystack[candidate..<(candidate + needle.count)].elementsEqual(needle) { return candidate }
            start = candidate + 1
        }
        return nil
    }

    /// `name: value` lines separated by CRLF; no folding (RFC 7578 section 4.8 leaves none to expect).
    private static func headers(_ block: ArraySlice<UInt8>) throws(Failure) -> HTTPHeaders {
        var fields: [HTTPHeaders.Field] = []
        guard !block.isEmpty else { return HTTPHeaders() }
        var rest = block[...]
        while !rest.isEmpty {
            let lineEnd = index(of: [13, 10], in: Array(rest)).map { rest.startIndex + $0 } ?? rest.endIndex
            let line = rest[rest.startIndex..<lineEnd]
            rest = lineEnd == rest.endIndex ? [] : rest[(lineEnd + 2)...]
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                let name = String(validating: line[line.startIndex..<colon], as: UTF8.self),
                !name.contains(where: { $0 == " " || $0 == "\t" }),
                let value = String(validating: line[(colon + 1)...], as: UTF8.self)
            else { throw Failure(reason: "part header line") }
            fields.append(.init(name: name, value: value.trimmingCharacters(in: [" ", "\t"])))
        }
        return HTTPHeaders(fields)
    }
}

extension String {
    /// The string without leading and trailing characters of `set` (Foundation-free, for this module's parsers).
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        Substring(self).trimmingCharacters(in: set)
    }
}

extension Substring {
    /// The text without leading and trailing characters of `set`.
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        guard let first = firstIndex(where: { !set.contains($0) }),
            let last = lastIndex(where: { !set.contains($0) })
        else { return "" }
        return String(self[first...last])
    }
}
