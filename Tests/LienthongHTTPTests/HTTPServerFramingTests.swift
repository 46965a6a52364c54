import Foundation
import LienthongHTTP
import Synchronization
import Testing

/// Requests a hostile client sends (issue #20): each is refused with a framed problem and a closed connection.
@Suite struct HTTPServerFramingTests {
    /// Long enough that a test passing within the raw client's 5 s proves the server did not wait for it.
    let configuration = HTTPServerConfiguration(eventLoops: 1, maxBodyBytes: 1000, readTimeout: .seconds(30))

    static let refusals: [(String, Int, String)] = [
        // Request smuggling: evhttp used the first length, so the second request rode in the body.
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 35\r\n\r\n"
            + "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n", 400, "conflicting-content-length"),
        ("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +2\r\n\r\nab", 400, "invalid-content-length"),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 400,
         "unsupported-transfer-encoding"),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400,
         "conflicting-framing"),
        // evhttp cut the value at the NUL: `Bearer <token>\0junk` authenticated as `Bearer <token>`.
        ("GET / HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer t\0junk\r\n\r\n", 400, "invalid-header"),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-Test : yes\r\n\r\n", 400, "invalid-header"),
        ("GET / HTTP/1.1\r\nHost: a\r\nX-Te\u{01}st: yes\r\n\r\n", 400, "invalid-header"),
        ("GET / HTTP/1.1\r\nX-Test: yes\r\n\r\n", 400, "missing-host"),
        ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "duplicate-host"),
        ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0x1\r\na\r\n0\r\n\r\n", 400, "invalid-chunk"),
        ("CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", 405, "method-not-allowed"),
    ]

    @Test(arguments: refusals)
    func refusedRequestsGetAFramedProblemAndTheConnectionCloses(
        request: String, status: Int, code: String
    ) async throws {
        let recorder = PathRecorder()
        try await withServer(configuration, handler: recorder) { _, port in
            let connection = try RawConnection(port: port)
            connection.send(request)
            let (text, closed) = connection.readToEnd()
            let response = try #require(RawResponse(text), "\(text.debugDescription)")
            #expect(response.status == status)
            #expect(response.code == code)
            #expect(response.headers["content-type"] == "application/problem+json")
            #expect(response.headers["connection"] == "close")
            // Exactly one framed response, then the end of the connection.
            #expect(text.utf8.count == response.length)
            #expect(closed)
        }
        #expect(recorder.paths.isEmpty)
    }

    @Test func aChunkExtensionIsAccepted() async throws {
        try await withServer(configuration) { _, port in
            let connection = try RawConnection(port: port)
            connection.send(
                "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + "2;foo=bar\r\nab\r\n1;x=\"y z\"\r\nc\r\n0\r\n\r\n")
            let response = try #require(RawResponse(connection.readToEnd().text))
            #expect(response.status == 200)
            #expect(try jsonObject(Array(response.body.utf8))["bodyLength"] as? Int == 3)
        }
    }

    @Test func aDeclaredBodyOverTheLimitIsRefusedAtOnceWithoutTheBody() async throws {
        try await withServer(configuration) { _, port in
            // No body follows: evhttp used to wait for it until the read timeout (30 s here).
            let connection = try RawConnection(port: port)
            connection.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 209715200\r\n\r\n")
            let (text, closed) = connection.readToEnd()
            let response = try #require(RawResponse(text))
            #expect(response.status == 413)
            #expect(response.code == "payload-too-large")
            #expect(closed)
        }
    }

    @Test func aClientStillSendingItsBodyReadsThe413AndAnOrderlyClose() async throws {
        try await withServer(configuration) { _, port in
            for _ in 0..<3 {
                let connection = try RawConnection(port: port)
                connection.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4000000\r\n\r\n")
                // The client keeps sending after the refusal. Closing a socket with unread bytes resets the
                // connection (the upload fails, and a reset can destroy the 413 before the client reads it); the
                // server reads and drops the rest instead, then closes in order.
                let sentAll = connection.send([UInt8](repeating: 0x61, count: 32 << 20))
                connection.finishSending()
                let (text, end) = connection.readToEndNotingHow()
                #expect(sentAll)
                #expect(RawResponse(text)?.status == 413, "\(text.prefix(80).debugDescription)")
                #expect(end == .finished)
            }
        }
    }

    @Test func aChunkedBodyOverTheLimitIs413() async throws {
        try await withServer(configuration) { _, port in
            let connection = try RawConnection(port: port)
            let chunk = String(repeating: "a", count: 600)
            connection.send(
                "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "258\r\n\(chunk)\r\n258\r\n\(chunk)\r\n0\r\n\r\n")
            let (text, closed) = connection.readToEnd()
            let response = try #require(RawResponse(text), "\(text.debugDescription)")
            #expect(response.status == 413)
            #expect(response.code == "payload-too-large")
            #expect(closed)
        }
    }

    @Test func expectContinueIsAnsweredAtOnce() async throws {
        try await withServer(configuration) { _, port in
            let connection = try RawConnection(port: port)
            connection.send("POST /e HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
            let interim = connection.readAvailable(waiting: .seconds(5)).text
            #expect(interim.hasPrefix("HTTP/1.1 100 Continue\r\n"))
            connection.send("abc")
            let rest = connection.readAvailable(waiting: .seconds(5)).text
            let response = try #require(RawResponse(rest), "\(rest.debugDescription)")
            #expect(response.status == 200)
        }
    }

    @Test func expectContinueOverTheLimitIs413AtOnce() async throws {
        try await withServer(configuration) { _, port in
            let connection = try RawConnection(port: port)
            connection.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
            let (text, closed) = connection.readToEnd()
            #expect(RawResponse(text)?.status == 413)
            #expect(closed)
        }
    }

    @Test func pipelinedRequestsAreEachChecked() async throws {
        try await withServer(configuration) { _, port in
            let connection = try RawConnection(port: port)
            connection.send(
                "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /3 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")
            let (text, closed) = connection.readToEnd()
            let statuses = text.components(separatedBy: "HTTP/1.1 ").dropFirst().map { $0.prefix(3) }
            #expect(statuses == ["200", "200", "400"])
            #expect(text.contains("\"code\":\"duplicate-host\""))
            #expect(closed)
        }
    }
}

/// Records the paths that reached the handler.
final class PathRecorder: HTTPHandler, Sendable {
    private let seen = Mutex<[String]>([])
    var paths: [String] { seen.withLock { $0 } }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        seen.withLock { $0.append(request.path) }
        return await EchoHandler().handle(request)
    }
}
