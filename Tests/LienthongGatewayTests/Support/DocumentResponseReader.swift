import Foundation
import LienthongJSON
import LienthongTrust

/// Reads a `multipart/mixed` document response (see the gateway's `DocumentResponse`) as it streams: the first
/// part's body is hashed and counted, never kept; what follows it (the envelope or problem part) is kept.
struct DocumentResponseReader {
    /// The first part's body: its SHA-256 (base64url), length and the part's header block.
    private(set) var length = 0
    private(set) var firstPartHeader: [UInt8] = []
    private let boundary: String
    private let delimiter: [UInt8]
    private let hasher = SHA256Hasher()
    private var inBody = false
    private var bodyEnded = false
    private var carry: [UInt8] = []
    private var trailer: [UInt8] = []

    /// A reader for the boundary of a `Content-Type: multipart/mixed; boundary="…"` header.
    init?(contentType: String) {
        guard let start = contentType.range(of: "boundary=\"")?.upperBound,
            let end = contentType[start...].firstIndex(of: "\"")
        else { return nil }
        boundary = String(contentType[start..<end])
        delimiter = Array("\r\n--\(boundary)".utf8)
    }

    /// Takes the next bytes of the response body.
    mutating func feed(_ chunk: [UInt8]) {
        guard !bodyEnded else {
            trailer += chunk
            return
        }
        guard inBody else {
            firstPartHeader += chunk
            guard let end = firstPartHeader.firstRange(of: Array("\r\n\r\n".utf8)) else { return }
            let rest = Array(firstPartHeader[end.upperBound...])
            firstPartHeader = Array(firstPartHeader[..<end.upperBound])
            inBody = true
            feedBody(rest)
            return
        }
        feedBody(chunk)
    }

    private mutating func feedBody(_ bytes: [UInt8]) {
        let window = carry + bytes
        if let found = window.firstRange(of: delimiter) {
            emit(window[..<found.lowerBound])
            trailer = Array(window[found.lowerBound...])
            carry = []
            bodyEnded = true
        } else {
            // The delimiter may straddle two chunks: keep what could be its beginning.
            let keep = min(window.count, delimiter.count - 1)
            emit(window.dropLast(keep))
            carry = Array(window.suffix(keep))
        }
    }

    private mutating func emit(_ bytes: ArraySlice<UInt8>) {
        guard !bytes.isEmpty else { return }
        hasher.update(Array(bytes))
        length += bytes.count
    }

    /// Ends the response: the document's SHA-256 (base64url) and the parts after it as (content type, body).
    mutating func finish() -> (sha256: String, parts: [(contentType: String, body: [UInt8])], closed: Bool) {
        let sha256 = Base64URL.encode(hasher.finalize())
        var parts: [(String, [UInt8])] = []
        let text = trailer
        let closing = Array("\r\n--\(boundary)--".utf8)
        let closed = text.firstRange(of: closing) != nil
        var rest = ArraySlice(text)
        while let start = rest.firstRange(of: delimiter) {
            var after = rest[start.upperBound...]
            guard after.starts(with: Array("\r\n".utf8)) else { break }  // "--" marks the closing delimiter
            after = after.dropFirst(2)
            guard let headerEnd = after.firstRange(of: Array("\r\n\r\n".utf8)) else { break }
            let header = String(decoding: after[..<headerEnd.lowerBound], as: UTF8.self)
            let bodyStart = headerEnd.upperBound
            let bodyEnd = after[bodyStart...].firstRange(of: delimiter)?.lowerBound ?? after.endIndex
            let type = header.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-type:") }
                .map { $0.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces) } ?? ""
            parts.append((type, Array(after[bodyStart..<bodyEnd])))
            rest = after[bodyEnd...]
        }
        return (sha256, parts, closed)
    }
}
