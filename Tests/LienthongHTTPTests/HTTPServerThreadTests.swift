import Foundation
import LienthongHTTP
import Testing

/// Answers with the name of the thread the handler ran on, before and after a suspension that another thread resumes.
struct ThreadNameHandler: HTTPHandler {
    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let before = threadName()
        // A timer of the global executor ends the sleep: the task comes back through its loop's job queue.
        try? await Task.sleep(for: .milliseconds(2))
        let after = threadName()
        return .json(Array("{\"before\":\"\(before)\",\"after\":\"\(after)\"}".utf8))
    }
}

/// The kernel's name of the calling thread (at most 15 bytes of the name given to `Thread`).
func threadName() -> String {
    let name = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
    return name.trimmingCharacters(in: .newlines)
}

struct HTTPServerThreadTests {
    @Test func aHandlerRunsOnTheLoopThatReadItsRequestFromParseToResponse() async throws {
        try await withServer(handler: ThreadNameHandler()) { _, port in
            for _ in 0..<8 {
                let response = try await HTTPClient().send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/"))
                let names = try #require(try jsonObject(response.body) as? [String: String])
                let before = try #require(names["before"])
                #expect(before.hasPrefix("lienthong-http"))
                #expect(names["after"] == before)
            }
        }
    }
}
