import Foundation
import LienthongHTTP
import Synchronization
import Testing

/// An upstream request a handler makes is driven by the event loop that read the incoming request (its libcurl
/// multi handle runs on that loop's events), not by a thread of the client's own.
@Suite struct HTTPClientLoopTests {
    /// Bytes the upstream's socket has taken so far.
    final class Progress: Sendable {
        let sent = Atomic<Int>(0)
    }

    /// Streams `total` bytes, counting each write the connection accepted.
    struct CountingUpstream: HTTPHandler {
        let total: Int
        let progress: Progress

        func handle(_ request: HTTPRequest) async -> HTTPResponse {
            let (total, progress) = (self.total, self.progress)
            return .streaming(headers: ["Content-Type": "application/octet-stream"]) { writer in
                let chunk = [UInt8](repeating: 0x5A, count: 64 * 1024)
                while progress.sent.load(ordering: .relaxed) < total {
                    guard await writer.write(chunk) else { return .abort }
                    progress.sent.add(chunk.count, ordering: .relaxed)
                }
                return .complete
            }
        }
    }

    /// Opens the upstream stream, then keeps its own loop thread busy until the upstream has sent everything or
    /// `busy` has passed; answers what the upstream sent meanwhile and what arrived in the end.
    struct BusyRelay: HTTPHandler {
        let upstreamPort: Int
        let total: Int
        let progress: Progress
        let busy: Duration

        func handle(_ request: HTTPRequest) async -> HTTPResponse {
            let client = HTTPClient()
            do {
                let stream = try await client.stream(
                    HTTPClientRequest(url: "http://127.0.0.1:\(upstreamPort)/", maxResponseBytes: 2 * total),
                    bufferBytes: 2 * total)
                let deadline = ContinuousClock.now + busy
                while progress.sent.load(ordering: .relaxed) < total, ContinuousClock.now < deadline {
                    usleep(1000)
                }
                let sentWhileBusy = progress.sent.load(ordering: .relaxed)
                var received = 0
                while let chunk = try await stream.next() { received += chunk.count }
                return .json(Array("{\"sentWhileBusy\":\(sentWhileBusy),\"received\":\(received)}".utf8))
            } catch {
                return .problem(status: 502, code: error.code.wireCode, title: "Upstream failed", detail: "\(error)")
            }
        }
    }

    @Test func anUpstreamTransferMovesOnlyWhenTheHandlersLoopIsFree() async throws {
        // Far more than loopback socket buffers and the upstream's own buffer hold while nobody reads.
        let total = 96 * 1024 * 1024
        let progress = Progress()
        try await withServer(.init(eventLoops: 1), handler: CountingUpstream(total: total, progress: progress)) {
            _, upstreamPort in
            let relay = BusyRelay(upstreamPort: upstreamPort, total: total, progress: progress, busy: .seconds(2))
            try await withServer(.init(eventLoops: 1), handler: relay) { _, port in
                let response = try await HTTPClient().send(
                    HTTPClientRequest(url: "http://127.0.0.1:\(port)/", totalTimeout: .seconds(60)))
                #expect(response.status == 200)
                let answer = try #require(try jsonObject(response.body) as? [String: Int])
                // The relay's loop reads the upstream: busy, it read nothing, so the upstream stalled.
                #expect(try #require(answer["sentWhileBusy"]) < total)
                #expect(answer["received"] == total)
            }
        }
    }

    @Test func clientsStartNoThreadOfTheirOwn() async throws {
        try await withServer(.init(eventLoops: 1)) { _, port in
            func threads() throws -> Int {
                try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count
            }
            _ = try await HTTPClient().send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/"))
            let before = try threads()
            // Each client used to start its own transfer thread; now every request runs on a loop that exists.
            let clients = (0..<16).map { _ in HTTPClient() }
            for client in clients {
                let response = try await client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/"))
                #expect(response.status == 200)
            }
            // A few threads of the cooperative pool may come and go meanwhile, not one per client.
            #expect(try threads() - before < 8)
            withExtendedLifetime(clients) {}
        }
    }
}
