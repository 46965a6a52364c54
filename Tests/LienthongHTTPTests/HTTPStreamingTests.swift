import LienthongHTTP
import Testing

/// Streamed responses end to end on loopback: the server's chunked reply, the client's paused and resumed
/// transfer, and what each side sees when the other goes away.
@Suite struct HTTPStreamingTests {
    /// `total` bytes of a counting pattern, in `chunk`-byte writes; `.abort` after `cut` bytes when given.
    struct PatternHandler: HTTPHandler {
        var total: Int
        var chunk = 100_000
        var cut: Int?

        static func pattern(_ range: Range<Int>) -> [UInt8] { range.map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) } }

        func handle(_ request: HTTPRequest) async -> HTTPResponse {
            let (total, chunk, cut) = (self.total, self.chunk, self.cut)
            return .streaming(headers: ["Content-Type": "application/octet-stream", "X-Test": "streamed"]) { writer in
                var sent = 0
                while sent < total {
                    let end = min(sent + chunk, total, cut ?? total)
                    guard end > sent else { return .abort }
                    guard await writer.write(Self.pattern(sent..<end)) else { return .abort }
                    sent = end
                }
                return .complete
            }
        }
    }

    /// Reads a whole stream, `pause` between chunks: its length, and whether every byte was the pattern's at its
    /// offset.
    static func drain(_ stream: HTTPClientStream, pause: Duration = .zero) async throws -> (length: Int, intact: Bool) {
        var length = 0
        var intact = true
        while let chunk = try await stream.next() {
            intact = intact && chunk == PatternHandler.pattern(length..<length + chunk.count)
            length += chunk.count
            if pause > .zero { try await Task.sleep(for: pause) }
        }
        return (length, intact)
    }

    @Test func streamedResponseArrivesWholeAndInOrder() async throws {
        let total = 8 * 1024 * 1024 + 17
        try await withServer(handler: PatternHandler(total: total)) { _, port in
            let client = HTTPClient()
            let stream = try await client.stream(HTTPClientRequest(url: "http://127.0.0.1:\(port)/"))
            #expect(stream.status == 200)
            #expect(stream.headers["X-Test"] == "streamed")
            #expect(stream.headers["Transfer-Encoding"] == "chunked")
            let (length, intact) = try await Self.drain(stream)
            #expect(length == total)
            #expect(intact)
        }
    }

    @Test func slowReaderPausesTheTransferAndStillGetsEverything() async throws {
        // A 64 KiB client buffer and a reader that yields between chunks: the transfer pauses and resumes many
        // times; the bytes must arrive whole and in order across every pause.
        let total = 4 * 1024 * 1024
        try await withServer(handler: PatternHandler(total: total, chunk: 300_000)) { _, port in
            let client = HTTPClient()
            let stream = try await client.stream(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/"), bufferBytes: 64 * 1024)
            let (length, intact) = try await Self.drain(stream, pause: .milliseconds(1))
            #expect(length == total)
            #expect(intact)
        }
    }

    @Test func abortedBodyIsAnErrorForTheClient() async throws {
        try await withServer(handler: PatternHandler(total: 4 * 1024 * 1024, cut: 1024 * 1024)) { _, port in
            let client = HTTPClient()
            let stream = try await client.stream(HTTPClientRequest(url: "http://127.0.0.1:\(port)/"))
            await #expect(throws: HTTPClientError(code: .connectionFailed, detail: "")) {
                _ = try await Self.drain(stream)
            }
        }
    }

    @Test func abortedBodyIsAnErrorForAPausedClientToo() async throws {
        // The server closes while the slow reader's transfer is paused: the close must still end the transfer.
        try await withServer(handler: PatternHandler(total: 4 * 1024 * 1024, cut: 2 * 1024 * 1024)) { _, port in
            let client = HTTPClient()
            let stream = try await client.stream(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/", totalTimeout: .seconds(10)), bufferBytes: 64 * 1024)
            await #expect(throws: HTTPClientError(code: .connectionFailed, detail: "")) {
                _ = try await Self.drain(stream, pause: .milliseconds(2))
            }
        }
    }

    @Test func bodyOverTheLimitIsCutOff() async throws {
        try await withServer(handler: PatternHandler(total: 4 * 1024 * 1024)) { _, port in
            let client = HTTPClient()
            let stream = try await client.stream(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/", maxResponseBytes: 1024 * 1024))
            await #expect(throws: HTTPClientError(code: .responseTooLarge, detail: "")) {
                _ = try await Self.drain(stream)
            }
        }
    }

    /// Writes until the client is gone, then reports how it ended.
    struct EndlessHandler: HTTPHandler {
        let ended: AsyncStream<Int>.Continuation

        func handle(_ request: HTTPRequest) async -> HTTPResponse {
            .streaming { writer in
                var written = 0
                while await writer.write([UInt8](repeating: 7, count: 64 * 1024)) { written += 1 }
                ended.yield(written)
                return .abort
            }
        }
    }

    @Test func producerLearnsThatTheClientLeft() async throws {
        let (ended, continuation) = AsyncStream.makeStream(of: Int.self)
        try await withServer(handler: EndlessHandler(ended: continuation)) { _, port in
            let client = HTTPClient()
            let stream = try await client.stream(HTTPClientRequest(url: "http://127.0.0.1:\(port)/"))
            _ = try await stream.next()
            stream.cancel()
            // The producer stops only because a write answered false: it would write forever otherwise.
            var iterator = ended.makeAsyncIterator()
            let writes = await iterator.next()
            #expect(writes != nil)
        }
    }
}
