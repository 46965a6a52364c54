/// Follows the chunk-size lines of a chunked request body so that evhttp can read legal ones.
///
/// evhttp refuses a chunk extension (`2;name=value`, RFC 9112 §7.1.1) and reads `0x10` or `+5` as sizes. The
/// scanner rewrites each size line to its bare hexadecimal size, which evhttp reads as meant, and replaces a
/// malformed one with a line evhttp refuses. Chunk data passes unchanged; the framing itself stays evhttp's.
struct ChunkedBodyScanner {
    private enum Phase {
        /// Reading a size line (or the empty line that follows chunk data).
        case sizeLine([UInt8])
        /// Inside chunk data.
        case data(remaining: Int)
        /// After the last chunk: trailer lines, passed unchanged.
        case trailers
    }

    private var phase = Phase.sizeLine([])
    /// Whether a malformed size line was seen.
    private(set) var failed = false

    /// A size line longer than this is malformed (a size has at most 16 digits; extensions are short).
    static let maxLineBytes = 1024

    /// Feeds body bytes in arrival order; returns the bytes to hand to evhttp in their place.
    mutating func scan(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            switch phase {
            case .trailers:
                out += bytes[index...]
                return out
            case .data(let remaining):
                let take = min(remaining, bytes.count - index)
                out += bytes[index..<index + take]
                index += take
                phase = remaining == take ? .sizeLine([]) : .data(remaining: remaining - take)
            case .sizeLine(var line):
                let byte = bytes[index]
                index += 1
                line.append(byte)
                if byte == UInt8(ascii: "\n") {
                    out += rewrite(line)
                } else if line.count > Self.maxLineBytes || failed {
                    failed = true
                    out += Self.refused
                    phase = .trailers
                } else {
                    phase = .sizeLine(line)
                }
            }
        }
        return out
    }

    /// The size line evhttp sees in place of `line`, and the phase after it.
    private mutating func rewrite(_ line: [UInt8]) -> [UInt8] {
        var content = line.dropLast()
        if content.last == UInt8(ascii: "\r") { content = content.dropLast() }
        // The line ending chunk data is empty; evhttp skips it too.
        if content.isEmpty {
            phase = .sizeLine([])
            return line
        }
        let digits = content.prefix { isHexDigit($0) }
        let rest = content.dropFirst(digits.count).drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard !digits.isEmpty, digits.count <= 15, rest.isEmpty || rest.first == UInt8(ascii: ";"),
            let size = Int(String(decoding: digits, as: UTF8.self), radix: 16)
        else {
            failed = true
            phase = .trailers
            return Self.refused
        }
        phase = size == 0 ? .trailers : .data(remaining: size)
        return Array(digits) + [UInt8(ascii: "\r"), UInt8(ascii: "\n")]
    }

    private func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    /// A size line evhttp refuses (a negative size), so it ends the request with its own error.
    private static let refused = Array("-1\r\n".utf8)
}
