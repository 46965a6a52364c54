import Foundation
import LienthongHTTP
import LienthongTesting
import Synchronization
import Testing

/// Bodies of a ``StreamedBodyRoute`` reach the handler while they arrive: the loop stops reading while the handler
/// is behind, an answer given before the body ends drops the rest, and a waiting handler holds up nobody.
@Suite struct HTTPStreamedBodyTests {
    /// What the streaming handler saw, shared with the test.
    final class Seen: Sendable {
        let bytes = Mutex(0)
        let calls = Mutex(0)
        /// While closed, the handler waits before reading.
        let gate = Mutex(false)
        /// The code of the error that cut the handler's read.
        let failure = Mutex<String?>(nil)
    }

    /// `POST /up` streams: reads the body (after the gate opens) and answers its length and sum; `POST /refuse`
    /// streams too but answers 403 without reading; `/early` reads one chunk and answers 400. Others echo.
    struct StreamingHandler: HTTPHandler {
        let seen: Seen

        func handle(_ request: HTTPRequest) async -> HTTPResponse {
            seen.calls.withLock { $0 += 1 }
            guard let body = request.bodyStream else { return await EchoHandler().handle(request) }
            switch request.path {
            case "/refuse":
                return .problem(status: 403, code: "test.refused", title: "Forbidden", detail: "no")
            case "/early":
                _ = try? await body.next()
                return .problem(status: 400, code: "test.early", title: "Bad Request", detail: "early")
            default:
                var length = 0
                var sum: UInt64 = 0
                do {
                    while seen.gate.withLock({ !$0 }) { try await Task.sleep(for: .milliseconds(10)) }
                    while let chunk = try await body.next() {
                        // Summed only for small bodies: a debug build adds slowly.
                        if length < 1024 * 1024 { for byte in chunk { sum &+= UInt64(byte) } }
                        length += chunk.count
                        seen.bytes.withLock { $0 = length }
                    }
                } catch {
                    seen.failure.withLock { $0 = (error as? HTTPRequestBodyError)?.code.wireCode ?? "other" }
                    return .problem(status: 400, code: "test.cut", title: "Bad Request", detail: "cut")
                }
                let length_ = request.headers["Content-Length"] ?? ""
                return .json(Array(#"{"length":\#(length),"sum":\#(sum),"declared":"\#(length_)"}"#.utf8))
            }
        }
    }

    static func configuration(maxBody: Int = 1024) -> HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration(eventLoops: 1, maxBodyBytes: maxBody)
        configuration.streamedBodyRoutes = ["/up", "/refuse", "/early"].map {
            StreamedBodyRoute(method: .post, path: $0, maxBodyBytes: 1 << 30)
        }
        return configuration
    }

    static func pattern(_ count: Int, from start: Int = 0) -> [UInt8] {
        (start..<start + count).map { UInt8(truncatingIfNeeded: $0 &* 31 >> 3) }
    }

    @Test func theHandlerReadsTheBodyWhileItArrives() async throws {
        let seen = Seen()
        seen.gate.withLock { $0 = true }
        try await withServer(Self.configuration(), handler: StreamingHandler(seen: seen)) { _, port in
            let connection = try RawConnection(port: port)
            let body = Self.pattern(300_000)
            // Longer than the buffered routes' limit (1 KiB): this route has its own.
            connection.send("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: \(body.count)\r\n\r\n")
            connection.send(Array(body[..<100_000]))
            // The handler has bytes before the client has sent the rest.
            #expect(try await Poll.until(within: .seconds(10)) { seen.bytes.withLock { $0 } >= 100_000 })
            #expect(seen.bytes.withLock { $0 } == 100_000)
            connection.send(Array(body[100_000...]))
            let text = connection.readAvailable(waiting: .seconds(10)).text
            let response = try #require(RawResponse(text), "\(text.debugDescription)")
            #expect(response.status == 200)
            let sum = body.reduce(UInt64(0)) { $0 &+ UInt64($1) }
            #expect(response.body == #"{"length":300000,"sum":\#(sum),"declared":"300000"}"#)

            // The connection serves a next request as usual.
            connection.send("GET /next HTTP/1.1\r\nHost: a\r\n\r\n")
            let next = connection.readAvailable(waiting: .seconds(10)).text
            #expect(RawResponse(next)?.status == 200)
        }
    }

    @Test func aHandlerThatIsBehindStopsTheReadingSoTheClientWaits() async throws {
        let seen = Seen()
        try await withServer(Self.configuration(), handler: StreamingHandler(seen: seen)) { _, port in
            let connection = try RawConnection(port: port)
            let total = 96 * 1024 * 1024
            connection.send("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: \(total)\r\n\r\n")
            // With the handler held, the client can only fill the server's queue and the kernel's buffers.
            let chunk = Self.pattern(64 * 1024)
            let accepted = connection.sendUntilBlocked(total, chunk: chunk)
            #expect(accepted < 32 * 1024 * 1024, "the server took \(accepted) bytes for a handler that read none")
            seen.gate.withLock { $0 = true }
            var sent = accepted
            while sent < total {
                let count = min(chunk.count, total - sent)
                #expect(connection.send(Array(chunk[..<count])))
                sent += count
            }
            let text = connection.readAvailable(waiting: .seconds(20)).text
            let response = try #require(RawResponse(text), "\(text.debugDescription)")
            #expect(response.status == 200)
            #expect(response.body.hasPrefix(#"{"length":\#(total),"#))
        }
    }

    @Test func aHandlerWaitingForBodyBytesHoldsUpNoOtherRequest() async throws {
        let seen = Seen()
        seen.gate.withLock { $0 = true }
        try await withServer(Self.configuration(), handler: StreamingHandler(seen: seen)) { _, port in
            let slow = try RawConnection(port: port)
            slow.send(
                "POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n" + String(repeating: "x", count: 10))
            #expect(try await Poll.until(within: .seconds(10)) { seen.bytes.withLock { $0 } == 10 })
            // The one loop serves others while that handler waits for the next byte.
            for index in 0..<5 {
                let response = try await HTTPClient().send(
                    HTTPClientRequest(url: "http://127.0.0.1:\(port)/other/\(index)", totalTimeout: .seconds(10)))
                #expect(response.status == 200)
            }
            slow.send(String(repeating: "y", count: 990))
            let text = slow.readAvailable(waiting: .seconds(10)).text
            #expect(RawResponse(text)?.status == 200)
        }
    }

    @Test func anAnswerBeforeTheBodyEndsDropsTheRestAndCloses() async throws {
        let seen = Seen()
        try await withServer(Self.configuration(), handler: StreamingHandler(seen: seen)) { _, port in
            let connection = try RawConnection(port: port)
            connection.send("POST /early HTTP/1.1\r\nHost: a\r\nContent-Length: 100000000\r\n\r\n")
            connection.send(Self.pattern(64 * 1024))
            let (text, closed) = connection.readToEnd()
            let response = try #require(RawResponse(text), "\(text.debugDescription)")
            #expect(response.status == 400)
            #expect(response.code == "test.early")
            #expect(response.headers["connection"] == "close")
            #expect(closed)
        }
    }

    @Test func expectContinueIsSentOnlyWhenTheHandlerReadsTheBody() async throws {
        let seen = Seen()
        seen.gate.withLock { $0 = true }
        try await withServer(Self.configuration(), handler: StreamingHandler(seen: seen)) { _, port in
            let refused = try RawConnection(port: port)
            refused.send("POST /refuse HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
            let (text, closed) = refused.readToEnd()
            #expect(!text.contains("100 Continue"))
            #expect(RawResponse(text)?.status == 403)
            #expect(closed)

            let accepted = try RawConnection(port: port)
            accepted.send("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
            let interim = accepted.readAvailable(waiting: .seconds(10)).text
            #expect(interim.hasPrefix("HTTP/1.1 100 Continue\r\n\r\n"))
            accepted.send("abc")
            let rest = accepted.readAvailable(waiting: .seconds(10)).text
            #expect(RawResponse(rest)?.body.hasPrefix(#"{"length":3,"#) == true)
        }
    }

    @Test func streamedRoutesHaveTheirOwnLimitAndNeedContentLength() async throws {
        var configuration = Self.configuration()
        configuration.streamedBodyRoutes = [StreamedBodyRoute(method: .post, path: "/up", maxBodyBytes: 10_000)]
        let seen = Seen()
        try await withServer(configuration, handler: StreamingHandler(seen: seen)) { _, port in
            let over = try RawConnection(port: port)
            over.send("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 10001\r\n\r\n")
            let (text, _) = over.readToEnd()
            #expect(RawResponse(text)?.status == 413)
            #expect(RawResponse(text)?.code == "payload-too-large")

            let chunked = try RawConnection(port: port)
            chunked.send("POST /up?x=1 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n")
            let (answer, _) = chunked.readToEnd()
            #expect(RawResponse(answer)?.status == 411)
            #expect(RawResponse(answer)?.code == "length-required")
            #expect(seen.calls.withLock { $0 } == 0)
        }
    }

    @Test func aClientThatLeavesMidBodyCutsTheHandlersRead() async throws {
        let seen = Seen()
        seen.gate.withLock { $0 = true }
        try await withServer(Self.configuration(), handler: StreamingHandler(seen: seen)) { _, port in
            let connection = try RawConnection(port: port)
            connection.send(
                "POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n" + String(repeating: "x", count: 10))
            #expect(try await Poll.until(within: .seconds(10)) { seen.bytes.withLock { $0 } == 10 })
            shutdown(connection.fd, Int32(SHUT_RDWR))
            #expect(try await Poll.until(within: .seconds(10)) { seen.failure.withLock { $0 } != nil })
            #expect(seen.failure.withLock { $0 } == "http-request-body.connection-lost")
        }
    }
}

extension RawConnection {
    /// Sends up to `total` bytes of `chunk` repeated without blocking, until the peer stops taking them for a while.
    /// - Returns: the bytes the kernel accepted.
    func sendUntilBlocked(_ total: Int, chunk: [UInt8]) -> Int {
        var sent = 0
        while sent < total {
            let count = min(chunk.count, total - sent)
            let written = chunk.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
            }
            if written > 0 {
                sent += written
                continue
            }
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            if poll(&poller, 1, 500) <= 0 { return sent }
        }
        return sent
    }
}
