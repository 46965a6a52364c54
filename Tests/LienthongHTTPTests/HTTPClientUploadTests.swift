import Foundation
import LienthongHTTP
import Synchronization
import Testing

/// Request bodies read while they are sent (``HTTPUploadBody``): the server receives every piece in order with the
/// declared length, and a source that fails aborts the request instead of sending a short body.
@Suite struct HTTPClientUploadTests {
    /// How many times the body was asked for a piece.
    final class Calls: Sendable {
        let count = Mutex(0)
    }

    /// Yields `pieces` one call at a time, then the end; counts the calls.
    static func body(_ pieces: [[UInt8]], failingAt failure: Int? = nil) -> (HTTPUploadBody, Calls) {
        let calls = Calls()
        let body = HTTPUploadBody(length: pieces.reduce(0) { $0 + $1.count }) {
            let call = calls.count.withLock { calls in
                defer { calls += 1 }
                return calls
            }
            if call == failure { throw HTTPClientError(code: .failed, detail: "source failed") }
            return call < pieces.count ? pieces[call] : []
        }
        return (body, calls)
    }

    @Test func anUploadArrivesWholeInOrderReadPieceByPiece() async throws {
        // Pieces larger and smaller than libcurl's upload buffer (64 KiB), so one piece spans several reads.
        let pieces = [Array(repeating: UInt8(1), count: 200_000), [2, 3], Array(repeating: UInt8(4), count: 70_000)]
        let (upload, calls) = Self.body(pieces)
        try await withServer(HTTPServerConfiguration(eventLoops: 1), handler: BodyEchoHandler()) { _, port in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/upload", method: .post)
            request.upload = upload
            let response = try await HTTPClient().send(request)
            #expect(response.status == 200)
            #expect(response.body == pieces.flatMap { $0 })
        }
        // Every piece asked for once; at the declared length libcurl stops asking.
        #expect(calls.count.withLock { $0 } == pieces.count)
    }

    @Test func aFailingSourceAbortsTheRequest() async throws {
        let (upload, _) = Self.body([Array(repeating: 7, count: 100_000), [8]], failingAt: 1)
        try await withServer(HTTPServerConfiguration(eventLoops: 1), handler: BodyEchoHandler()) { _, port in
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/upload", method: .post)
            request.upload = upload
            await #expect(throws: HTTPClientError(code: .failed, detail: "")) {
                try await HTTPClient().send(request)
            }
        }
    }
}

/// Answers with the request's body.
struct BodyEchoHandler: HTTPHandler {
    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        HTTPResponse(status: 200, headers: ["Content-Type": "application/octet-stream"], body: request.body)
    }
}
