import Foundation
import LienthongHTTP
import Synchronization
import LienthongTesting
import Testing

@Suite struct HTTPServerTests {
    @Test func answersGetOverPlainHTTPWithCurl() async throws {
        try await withServer { _, port in
            let output = try await runTool(
                "/usr/bin/curl", ["-s", "-H", "X-Test: yes", "http://127.0.0.1:\(port)/v1/things?a=1"])
            #expect(output.status == 0)
            let json = try jsonObject(Array(output.stdout))
            #expect(json["method"] as? String == "GET")
            #expect(json["path"] as? String == "/v1/things")
            #expect(json["query"] as? String == "a=1")
            #expect(json["header"] as? String == "yes")
            #expect(json["isTLS"] as? Bool == false)
        }
    }

    @Test func answersPostWithBodyThroughHTTPClient() async throws {
        try await withServer { _, port in
            let client = HTTPClient()
            let response = try await client.send(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/echo", method: .post, body: Array(repeating: 7, count: 5000)))
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/json")
            let json = try jsonObject(response.body)
            #expect(json["method"] as? String == "POST")
            #expect(json["bodyLength"] as? Int == 5000)
        }
    }

    @Test func keepAliveReusesOneConnection() async throws {
        try await withServer { _, port in
            // curl reports how many new connections it opened for all URLs of one invocation.
            let url = "http://127.0.0.1:\(port)/a"
            let output = try await runTool(
                "/usr/bin/curl", ["-s", "-w", "%{num_connects}\n", "-o", "/dev/null", url, "-o", "/dev/null", url, "-o", "/dev/null", url])
            #expect(output.status == 0)
            let counts = String(decoding: output.stdout, as: UTF8.self).split(separator: "\n")
            #expect(counts == ["1", "0", "0"])
        }
    }

    @Test func headIsAnsweredWithoutItsBodyAndTheConnectionStaysUsable() async throws {
        try await withServer { _, port in
            let client = HTTPClient()
            let url = "http://127.0.0.1:\(port)/things"
            let get = try await client.send(HTTPClientRequest(url: url))
            let head = try await client.send(HTTPClientRequest(url: url, method: .head))
            #expect(head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.headers["content-type"] == "application/json")
            // The echo names the method: "HEAD" is one byte longer than "GET".
            #expect(head.headers["content-length"] == String(get.body.count + 1))
            // The next request on the kept-alive connection reads its own response, not a stray HEAD body.
            let after = try await client.send(HTTPClientRequest(url: url, method: .post, body: [1, 2, 3]))
            #expect(after.status == 200)
            #expect(try jsonObject(after.body)["bodyLength"] as? Int == 3)
        }
    }

    @Test func bodyOverLimitIs413Problem() async throws {
        let configuration = HTTPServerConfiguration(eventLoops: 1, maxBodyBytes: 1000)
        try await withServer(configuration) { _, port in
            let client = HTTPClient()
            let response = try await client.send(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/big", method: .post, body: Array(repeating: 1, count: 5000)))
            #expect(response.status == 413)
            #expect(response.headers["content-type"] == "application/problem+json")
            let json = try jsonObject(response.body)
            #expect(json["code"] as? String == "payload-too-large")
            #expect(json["status"] as? Int == 413)
            #expect(json["type"] as? String != nil)
            #expect(json["title"] as? String != nil)
            #expect(json["detail"] as? String != nil)
        }
    }

    @Test(arguments: [2_000, 20_000])
    func headersOverLimitAre431Problem(headerBytes: Int) async throws {
        let configuration = HTTPServerConfiguration(eventLoops: 1, maxHeaderBytes: 1024)
        try await withServer(configuration) { _, port in
            let client = HTTPClient()
            let response = try await client.send(
                HTTPClientRequest(
                    url: "http://127.0.0.1:\(port)/h",
                    headers: ["X-Big": String(repeating: "a", count: headerBytes)]))
            #expect(response.status == 431)
            #expect(response.headers["content-type"] == "application/problem+json")
            let json = try jsonObject(response.body)
            #expect(json["code"] as? String == "headers-too-large")
            #expect(json["status"] as? Int == 431)
        }
    }

    @Test func headersWithinLimitAreServed() async throws {
        let configuration = HTTPServerConfiguration(eventLoops: 1, maxHeaderBytes: 1024)
        try await withServer(configuration) { _, port in
            let response = try await HTTPClient().send(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/h", headers: ["X-Test": String(repeating: "a", count: 500)]))
            #expect(response.status == 200)
        }
    }

    @Test func traceIs405Problem() async throws {
        try await withServer { _, port in
            let response = try await HTTPClient().send(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/", method: .trace))
            #expect(response.status == 405)
            #expect(response.headers["content-type"] == "application/problem+json")
        }
    }

    @Test func malformedRequestIs400Problem() async throws {
        try await withServer { _, port in
            let reply = try rawExchange(port: port, "GET\r\nHost: x\r\n\r\n")
            #expect(reply.hasPrefix("HTTP/1.1 400 "))
            #expect(reply.contains("application/problem+json"))
            #expect(reply.contains("\"code\":\"bad-request\""))
            #expect(!reply.contains("<HTML>"))
        }
    }

    /// evhttp reads a body only for POST, PUT and PATCH: another method's body must not be taken for the next
    /// request on the connection (TRACE is answered by the server itself, GET by the handler).
    @Test(arguments: ["TRACE", "GET", "DELETE"])
    func aBodyTheServerDoesNotReadClosesTheConnectionAfterTheReply(method: String) async throws {
        try await withServer { _, port in
            let smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
            let head = "\(method) /a HTTP/1.1\r\nHost: x\r\nContent-Length: \(smuggled.utf8.count)\r\n\r\n"
            let reply = try rawExchange(port: port, head + smuggled)
            #expect(reply.lowercased().contains("connection: close"))
            #expect(!reply.contains("smuggled"))
            #expect(reply.components(separatedBy: "HTTP/1.1 ").count == 2, "one response")
        }
    }

    @Test func unknownMethodReachesTheHandlerAndClosesTheConnection() async throws {
        try await withServer { _, port in
            // evhttp reads no body for a method it does not know: the body must not be taken for a next request.
            let smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"
            let head = "QUERY /pot HTTP/1.1\r\nHost: x\r\nContent-Length: \(smuggled.utf8.count)\r\n\r\n"
            let reply = try rawExchange(port: port, head + smuggled)
            #expect(reply.hasPrefix("HTTP/1.1 200 "))
            #expect(reply.contains("\"method\":\"UNRECOGNISED\""))
            #expect(reply.contains("pot\""), "the path of the request line")
            #expect(reply.lowercased().contains("connection: close"))
            #expect(!reply.contains("/smuggled"))
            #expect(reply.components(separatedBy: "HTTP/1.1 ").count == 2, "one response")
        }
    }

    @Test func aSecondServerOnAPortInUseFailsToStart() async throws {
        // The port is the node's: SO_REUSEPORT used to let a second process bind it and take part of its traffic.
        try await withServer { _, port in
            let second = HTTPServer(configuration: .init(port: port, eventLoops: 2), handler: EchoHandler())
            do {
                try await second.start()
                Issue.record("a second server started on port \(port)")
            } catch let error as HTTPServerError {
                #expect(error.code == .bindFailed)
                #expect(error.detail.hasSuffix("address in use"))
            }
            // The first server still answers every request, from all of its loops.
            for _ in 0..<20 {
                let response = try await HTTPClient().send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/"))
                #expect(response.status == 200)
            }
        }
    }

    @Test func gracefulShutdownCompletesInFlightRequests() async throws {
        let gate = Gate()
        let server = HTTPServer(configuration: .init(eventLoops: 2), handler: GatedHandler(gate: gate))
        let port = try await server.start()
        let running = Task { try await server.run() }
        let client = HTTPClient()
        let inFlight = Task {
            try await client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/slow"))
        }
        await gate.waitForArrival()
        server.shutdown()
        // New connections are refused once the listener is closed.
        await #expect(throws: HTTPClientError(code: .connectionFailed, detail: "")) {
            try await HTTPClient().send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/late"))
        }
        gate.open()
        let response = try await inFlight.value
        #expect(response.status == 200)
        #expect(response.headers["connection"] == "close")
        try await running.value
    }

    @Test func manyConcurrentRequests() async throws {
        try await withServer { _, port in
            let client = HTTPClient()
            try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<500 {
                    group.addTask {
                        try await client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/n/\(index)")).status
                    }
                }
                var ok = 0
                for try await status in group where status == 200 { ok += 1 }
                #expect(ok == 500)
            }
        }
    }
}

/// Lets a test hold a handler until it says so.
final class Gate: Sendable {
    private let state = Mutex<(arrived: Bool, open: Bool, arrivals: [CheckedContinuation<Void, Never>], openers: [CheckedContinuation<Void, Never>])>((false, false, [], []))

    func arrive() async {
        let waiters = state.withLock { state in
            state.arrived = true
            defer { state.arrivals = [] }
            return state.arrivals
        }
        for waiter in waiters { waiter.resume() }
        await withCheckedContinuation { continuation in
            let now = state.withLock { state in
                if state.open { return true }
                state.openers.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func waitForArrival() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state in
                if state.arrived { return true }
                state.arrivals.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.openers = [] }
            return state.openers
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// Waits at the gate, then answers 200.
struct GatedHandler: HTTPHandler {
    let gate: Gate
    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        await gate.arrive()
        return .json(Array("{}".utf8))
    }
}

/// Sends raw bytes over a blocking socket and reads until the server closes (bounded by a receive timeout).
func rawExchange(port: Int, _ text: String) throws -> String {
    let fd = try Loopback.connect(port: port)
    defer { close(fd) }
    var timeout = timeval(tv_sec: 5, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = recv(fd, &chunk, chunk.count, 0)
        if count <= 0 { break }
        received += chunk[0..<count]
    }
    return String(decoding: received, as: UTF8.self)
}
