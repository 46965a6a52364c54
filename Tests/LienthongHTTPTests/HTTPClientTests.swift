import Foundation
import LienthongHTTP
import Testing

@Suite struct HTTPClientTests {
    @Test func timesOutAgainstAServerThatNeverAnswers() async throws {
        let gate = Gate()
        let configuration = HTTPServerConfiguration(eventLoops: 1, shutdownGracePeriod: .milliseconds(100))
        try await withServer(configuration, handler: GatedHandler(gate: gate)) { _, port in
            let client = HTTPClient()
            await #expect(throws: HTTPClientError(code: .timeout, detail: "")) {
                try await client.send(
                    HTTPClientRequest(url: "http://127.0.0.1:\(port)/never", totalTimeout: .milliseconds(300)))
            }
            gate.open()
        }
    }

    @Test func refusedConnectionIsConnectionFailed() async throws {
        // Bind a port, then close it, so nothing listens there.
        let port = try await withServer(HTTPServerConfiguration(eventLoops: 1)) { _, port in port }
        await #expect(throws: HTTPClientError(code: .connectionFailed, detail: "")) {
            try await HTTPClient().send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/"))
        }
    }

    @Test func responseOverLimitIsAborted() async throws {
        try await withServer(HTTPServerConfiguration(eventLoops: 1), handler: BigHandler(size: 2_000_000, chunked: false)) { _, port in
            await #expect(throws: HTTPClientError(code: .responseTooLarge, detail: "")) {
                try await HTTPClient().send(
                    HTTPClientRequest(url: "http://127.0.0.1:\(port)/big", maxResponseBytes: 100_000))
            }
        }
    }

    @Test func responseWithinLimitArrivesWhole() async throws {
        try await withServer(HTTPServerConfiguration(eventLoops: 1), handler: BigHandler(size: 200_000, chunked: false)) { _, port in
            let response = try await HTTPClient().send(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/big", maxResponseBytes: 200_000))
            #expect(response.body.count == 200_000)
            #expect(response.headers["content-length"] == "200000")
        }
    }

    @Test func malformedURLIsInvalidRequest() async throws {
        await #expect(throws: HTTPClientError(code: .invalidRequest, detail: "")) {
            try await HTTPClient().send(HTTPClientRequest(url: "ftp://127.0.0.1/x"))
        }
    }

    @Test func cancellationAbortsTheTransfer() async throws {
        let gate = Gate()
        let configuration = HTTPServerConfiguration(eventLoops: 1, shutdownGracePeriod: .milliseconds(100))
        try await withServer(configuration, handler: GatedHandler(gate: gate)) { _, port in
            let client = HTTPClient()
            let task = Task { try await client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/hold")) }
            await gate.waitForArrival()
            task.cancel()
            await #expect(throws: HTTPClientError(code: .cancelled, detail: "")) { try await task.value }
            gate.open()
        }
    }
}

/// Answers with `size` bytes.
struct BigHandler: HTTPHandler {
    let size: Int
    let chunked: Bool
    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        HTTPResponse(status: 200, headers: ["Content-Type": "application/octet-stream"], body: Array(repeating: 65, count: size))
    }
}
