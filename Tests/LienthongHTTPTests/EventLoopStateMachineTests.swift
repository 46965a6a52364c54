@testable import LienthongHTTP
import Testing

@Suite struct EventLoopStateMachineTests {
    typealias Machine = EventLoop.StateMachine
    let start = ContinuousClock.now
    let limits = Machine.Limits(
        maxHeaderBytes: 200, maxBodyBytes: 100, headerTimeout: .seconds(10), handshakeTimeout: .seconds(5),
        minBodyBytesPerSecond: 100)

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func aHeadIsHeldUntilCompleteThenReleasedWithItsBody() {
        var machine = Machine(limits: limits, isTLS: false, now: start)
        #expect(machine.received(bytes("POST / HTTP/1.1\r\nHost: a\r\n"), at: start) == .hold)
        let action = machine.received(bytes("Content-Length: 2\r\n\r\nab"), at: start)
        #expect(action == .release(bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nab")))
        #expect(machine.received(bytes("c"), at: start) == .pass)
    }

    @Test func aDeclaredBodyOverTheLimitIsRefusedBeforeItArrives() {
        var machine = Machine(limits: limits, isTLS: false, now: start)
        let head = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\nExpect: 100-continue\r\n\r\n"
        #expect(machine.received(bytes(head), at: start) == .reject(.init(code: .payloadTooLarge)))
        #expect(machine.received(bytes("more"), at: start) == .discard)
        machine.requestDelivered()
        #expect(machine.rejection?.code == .payloadTooLarge)
    }

    @Test func aHeadOverTheLimitIsRefusedWithoutWaitingForItsEnd() {
        var machine = Machine(limits: limits, isTLS: false, now: start)
        let action = machine.received(bytes("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 200)), at: start)
        #expect(action == .reject(.init(code: .headersTooLarge)))
    }

    @Test func aTrickledHeadIsRefusedAtTheHeaderDeadline() {
        var machine = Machine(limits: limits, isTLS: false, now: start)
        var now = start
        for byte in bytes("GET / HTTP/1.1\r\nHost") {
            now += .seconds(1)
            if now - start >= .seconds(10) { break }
            #expect(machine.received([byte], at: now) == .hold)
            #expect(machine.tick(at: now, handshakeFinished: true) == .none)
        }
        #expect(
            machine.tick(at: start + .seconds(10), handshakeFinished: true) == .reject(.init(code: .requestTimeout)))
    }

    @Test func aSilentConnectionIsClosedAtTheHeaderDeadline() {
        var machine = Machine(limits: limits, isTLS: false, now: start)
        #expect(machine.tick(at: start + .seconds(9), handshakeFinished: true) == .none)
        #expect(machine.tick(at: start + .seconds(10), handshakeFinished: true) == .close)
    }

    @Test func aHandshakeThatDoesNotFinishInTimeIsClosed() {
        var machine = Machine(limits: limits, isTLS: true, now: start)
        #expect(machine.tick(at: start + .seconds(4), handshakeFinished: false) == .none)
        #expect(machine.tick(at: start + .seconds(5), handshakeFinished: false) == .close)
    }

    @Test func theHeaderDeadlineStartsAfterTheHandshake() {
        var machine = Machine(limits: limits, isTLS: true, now: start)
        #expect(machine.tick(at: start + .seconds(4), handshakeFinished: true) == .none)
        #expect(machine.tick(at: start + .seconds(13), handshakeFinished: true) == .none)
        #expect(machine.tick(at: start + .seconds(14), handshakeFinished: true) == .close)
    }

    @Test func aBodyBelowTheMinimumRateIsClosedAfterTheGrace() {
        var machine = Machine(limits: limits, isTLS: false, now: start)
        _ = machine.received(bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\n"), at: start)
        #expect(machine.received(bytes("a"), at: start + .seconds(5)) == .pass)
        #expect(machine.tick(at: start + .seconds(9), handshakeFinished: true) == .none)
        #expect(machine.tick(at: start + .seconds(10), handshakeFinished: true) == .close)
    }

    @Test func idleKeepAliveWaitsWithoutHeaderDeadlineUntilTheNextByte() {
        var machine = Machine(limits: limits, isTLS: false, now: start)
        _ = machine.received(bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), at: start)
        machine.requestDelivered()
        #expect(machine.received(bytes("GET /next"), at: start) == .hold)
        #expect(machine.requestCompleted(buffered: [], at: start + .seconds(1)) == .hold)
        #expect(!machine.isIdle)
        #expect(machine.received(bytes(" HTTP/1.1\r\nHost: a\r\n\r\n"), at: start + .seconds(2))
            == .release(bytes("GET /next HTTP/1.1\r\nHost: a\r\n\r\n")))
        machine.requestDelivered()
        #expect(machine.requestCompleted(buffered: [], at: start + .seconds(3)) == .hold)
        #expect(machine.isIdle)
        #expect(machine.tick(at: start + .seconds(300), handshakeFinished: true) == .none)
    }

    @Test func chunkExtensionsReachEvhttpAsBareSizes() {
        var machine = Machine(limits: limits, isTLS: false, now: start)
        let head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(
            machine.received(bytes(head + "2;foo=bar\r\nab\r\n"), at: start) == .release(bytes(head + "2\r\nab\r\n")))
        #expect(machine.received(bytes("0\r\n\r\n"), at: start) == .release(bytes("0\r\n\r\n")))
        #expect(machine.rejection == nil)
    }

    @Test func aMalformedChunkSizeIsHandedToEvhttpAsOneItRefuses() {
        var machine = Machine(limits: limits, isTLS: false, now: start)
        let head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        #expect(machine.received(bytes(head + "0x1\r\n"), at: start) == .release(bytes(head + "-1\r\n")))
        #expect(machine.rejection?.code == .invalidChunk)
    }
}
