import Testing

@testable import LienthongHTTP

/// The state machine's part in streamed bodies: evhttp gets the head without its framing, the body goes to the
/// handler's queue, a next request waits, and the body rate deadline still applies.
@Suite struct EventLoopStreamedBodyStateTests {
    typealias Machine = EventLoop.StateMachine
    let start = ContinuousClock.now
    let limits = Machine.Limits(
        maxHeaderBytes: 200, maxBodyBytes: 100, headerTimeout: .seconds(10), handshakeTimeout: .seconds(5),
        minBodyBytesPerSecond: 100, streamedRoutes: [StreamedBodyRoute(method: .post, path: "/up", maxBodyBytes: 1000)])

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func theHeadLosesItsFramingAndTheBodyGoesToTheHandler() {
        var machine = Machine(limits: limits, isTLS: false, now: start)
        let head = "POST /up?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 500\r\nExpect: 100-continue\r\nX: y\r\n\r\n"
        // Over the buffered limit (100), within the route's (1000); evhttp sees no body.
        #expect(
            machine.received(bytes(head + "ab"), at: start)
                == .release(bytes("POST /up?x=1 HTTP/1.1\r\nHost: a\r\nX: y\r\n\r\n")))
        #expect(machine.received(bytes("cd"), at: start) == .hold)
        machine.requestDelivered()
        let attached = machine.attachBody()
        #expect(attached?.early == bytes("abcd"))
        #expect(attached?.complete == false)
        #expect(
            attached?.framing == [
                .init(name: "Content-Length", value: "500"), .init(name: "Expect", value: "100-continue"),
            ])
        #expect(
            machine.received([UInt8](repeating: 1, count: 300), at: start)
                == .stream([UInt8](repeating: 1, count: 300), complete: false))
        // The body's last bytes, then the start of a next request, which waits for the response.
        let last = [UInt8](repeating: 2, count: 196)
        #expect(machine.received(last + bytes("GET / HTTP/1.1\r\n"), at: start) == .stream(last, complete: true))
        #expect(!machine.isStreaming)
        #expect(machine.received(bytes("Host: a\r\n\r\n"), at: start) == .hold)
        #expect(
            machine.requestCompleted(buffered: [], at: start) == .release(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n")))
    }

    @Test func aStreamedRouteHasItsOwnLimitAndRefusesChunks() {
        var over = Machine(limits: limits, isTLS: false, now: start)
        #expect(
            over.received(bytes("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 1001\r\n\r\n"), at: start)
                == .reject(.init(code: .payloadTooLarge)))
        var chunked = Machine(limits: limits, isTLS: false, now: start)
        #expect(
            chunked.received(bytes("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"), at: start)
                == .reject(.init(code: .lengthRequired)))
        // Another path keeps the buffered limit.
        var other = Machine(limits: limits, isTLS: false, now: start)
        #expect(
            other.received(bytes("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n"), at: start)
                == .reject(.init(code: .payloadTooLarge)))
    }

    @Test func aSlowStreamedBodyIsCutAndAnAbandonedOneDiscarded() {
        var machine = Machine(limits: limits, isTLS: false, now: start)
        _ = machine.received(bytes("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n"), at: start)
        machine.requestDelivered()
        _ = machine.attachBody()
        _ = machine.received(bytes("a"), at: start)
        #expect(machine.tick(at: start + .seconds(11), handshakeFinished: true) == .close)

        var abandoned = Machine(limits: limits, isTLS: false, now: start)
        _ = abandoned.received(bytes("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n"), at: start)
        abandoned.requestDelivered()
        _ = abandoned.attachBody()
        abandoned.abandonBody()
        #expect(abandoned.received(bytes("rest"), at: start) == .discard)
        #expect(abandoned.requestCompleted(buffered: [], at: start) == .discard)
    }
}
