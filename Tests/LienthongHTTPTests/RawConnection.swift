import Foundation
import LienthongTesting
import Testing

/// A blocking TCP connection to 127.0.0.1 for tests that send bytes no HTTP client would.
final class RawConnection {
    let fd: Int32

    /// Connects; reads give up after `timeout` of silence.
    init(port: Int, timeout: Duration = .seconds(5)) throws {
        do {
            fd = try Loopback.connect(port: port)
        } catch {
            throw RawConnectionError.connectFailed
        }
        let (seconds, attoseconds) = timeout.components
        var time = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Sends all of `bytes`; `false` once the peer is gone.
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if sent <= 0 { return false }
            offset += sent
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads until the server closes (`closed`, by FIN or reset) or goes silent for the timeout.
    func readToEnd() -> (text: String, closed: Bool) {
        let (text, end) = readToEndNotingHow()
        return (text, end != .timedOut)
    }

    /// How a connection ended.
    enum End { case finished, reset, timedOut }

    /// Reads until the server closes or goes silent for the timeout, telling an orderly close from a reset.
    func readToEndNotingHow() -> (text: String, end: End) {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count == 0 { return (String(decoding: received, as: UTF8.self), .finished) }
            if count < 0 {
                return (String(decoding: received, as: UTF8.self), errno == ECONNRESET ? .reset : .timedOut)
            }
            received += chunk[0..<count]
        }
    }

    /// Ends the sending side (FIN); reading goes on.
    func finishSending() { shutdown(fd, Int32(SHUT_WR)) }

    /// Reads what arrives within `wait` (nothing if the server stays silent), without blocking longer.
    func readAvailable(waiting wait: Duration) -> (text: String, closed: Bool) {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(wait.components.seconds * 1000 + wait.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&poller, 1, milliseconds) > 0 else { return ("", false) }
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = recv(fd, &chunk, chunk.count, Int32(MSG_DONTWAIT))
        if count <= 0 { return ("", true) }
        return (String(decoding: chunk[0..<count], as: UTF8.self), false)
    }
}

enum RawConnectionError: Error { case connectFailed }

/// A response read off a raw connection.
struct RawResponse {
    var status: Int
    var headers: [String: String]
    var body: String
    /// The bytes of this response on the wire; more in the text means a second response followed.
    var length: Int

    /// Parses one response (status line, headers, a body of exactly `Content-Length` bytes), or `nil`.
    init?(_ text: String) {
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        self.status = status
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[line[..<colon].lowercased()] = value
        }
        self.headers = headers
        let rest = Array(text[split.upperBound...].utf8)
        guard let length = headers["content-length"].flatMap({ Int($0) }), length <= rest.count else { return nil }
        body = String(decoding: rest[..<length], as: UTF8.self)
        self.length = text[..<split.upperBound].utf8.count + length
    }

    /// The problem `code` of a problem+json body.
    var code: String? {
        let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
        guard let object else { return nil }
        return object["code"] as? String
    }
}
