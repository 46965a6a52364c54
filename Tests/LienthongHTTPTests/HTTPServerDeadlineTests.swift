import Foundation
import LienthongHTTP
import Testing

/// Slow clients (issue #20): the read timeout only bounds the silence between two bytes, so these deadlines bound
/// a whole head, a whole handshake and the body rate. Short deadlines keep the tests fast; the raw client gives up
/// after 5 s, well below the 30 s read and 60 s idle timeouts that would otherwise end the connections.
@Suite struct HTTPServerDeadlineTests {
    let certs = TestCertificates.shared

    func configuration(
        tls: Bool = false, maxConnections: Int = 10_000, perAddress: Int = 1_000
    ) -> HTTPServerConfiguration {
        HTTPServerConfiguration(
            tls: tls
                ? TLSServerConfiguration(
                    certificateChainPath: certs.serverCertificatePath, privateKeyPath: certs.serverKeyPath)
                : nil,
            eventLoops: 1, maxConnections: maxConnections, maxConnectionsPerAddress: perAddress,
            readTimeout: .seconds(30), headerTimeout: .milliseconds(300), handshakeTimeout: .milliseconds(300),
            minBodyBytesPerSecond: 1_000)
    }

    @Test func aHeadTrickledByteByByteGets408AtTheHeaderDeadline() async throws {
        try await withServer(configuration()) { _, port in
            let connection = try RawConnection(port: port)
            var answer = ""
            // One byte every 50 ms never leaves the read timeout's silence; 100 bytes would take 5 s.
            for byte in Array("GET / HTTP/1.1\r\nHost: a\r\nX-Slow: ".utf8) + [UInt8](repeating: 0x61, count: 70) {
                connection.send([byte])
                let read = connection.readAvailable(waiting: .milliseconds(50))
                answer += read.text
                if read.closed || !read.text.isEmpty { break }
            }
            answer += connection.readToEnd().text
            let response = try #require(RawResponse(answer), "\(answer.debugDescription)")
            #expect(response.status == 408)
            #expect(response.code == "request-timeout")
        }
    }

    @Test func aConnectionThatSendsNothingIsClosedAtTheHeaderDeadline() async throws {
        try await withServer(configuration()) { _, port in
            let connection = try RawConnection(port: port)
            let (text, closed) = connection.readToEnd()
            #expect(closed)
            #expect(text.isEmpty)
        }
    }

    @Test func aStalledTLSHandshakeIsClosedAtTheHandshakeDeadline() async throws {
        try await withServer(configuration(tls: true)) { _, port in
            let connection = try RawConnection(port: port)
            // The first bytes of a TLS record header, then nothing.
            connection.send([0x16, 0x03])
            #expect(connection.readToEnd().closed)
        }
    }

    @Test func aBodyBelowTheMinimumRateIsCut() async throws {
        try await withServer(configuration()) { _, port in
            let connection = try RawConnection(port: port)
            connection.send("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n")
            var closed = false
            for _ in 0..<100 where !closed {
                connection.send("a")
                closed = connection.readAvailable(waiting: .milliseconds(50)).closed
            }
            #expect(closed)
        }
    }

    @Test func tricklersHoldingEveryConnectionAreCutSoOthersGetIn() async throws {
        // Twenty slow clients used to lock out a node configured for twenty connections.
        try await withServer(configuration(maxConnections: 20)) { _, port in
            let tricklers = try (0..<20).map { _ in try RawConnection(port: port) }
            for trickler in tricklers { trickler.send("GET / HTTP/1.1\r\n") }
            // Uncut, the tricklers would hold every slot for the 30 s read timeout: an answer within the request's
            // own 5 s total timeout is the proof, whatever the machine's load.
            let response = try await HTTPClient().send(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/late", totalTimeout: .seconds(5)))
            #expect(response.status == 200)
            for trickler in tricklers { #expect(RawResponse(trickler.readToEnd().text)?.status == 408) }
        }
    }

    @Test func twoHundredTricklersDoNotSlowOtherRequests() async throws {
        var slow = configuration()
        slow.headerTimeout = .seconds(20)
        try await withServer(slow) { _, port in
            let tricklers = try (0..<200).map { _ in try RawConnection(port: port) }
            for trickler in tricklers { trickler.send("GET / HTTP/1.1\r\nHost") }
            let client = HTTPClient()
            let clock = ContinuousClock()
            var durations: [Duration] = []
            for index in 0..<20 {
                let start = clock.now
                let response = try await client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/\(index)"))
                durations.append(clock.now - start)
                #expect(response.status == 200)
                for trickler in tricklers.prefix(10) { trickler.send("x") }
            }
            #expect(durations.sorted()[durations.count / 2] < .milliseconds(100), "\(durations)")
        }
    }

    @Test func connectionsOverThePerAddressLimitAreClosedAtOnce() async throws {
        // The first two hold their heads open while the third is refused: a header deadline of 300 ms would have to
        // outlast that refusal, however slow the loop; this test is about the per-address limit, not that deadline.
        var limited = configuration(perAddress: 2)
        limited.headerTimeout = .seconds(30)
        try await withServer(limited) { _, port in
            let first = try RawConnection(port: port)
            let second = try RawConnection(port: port)
            first.send("GET / HTTP/1.1\r\nHost: a\r\n")
            second.send("GET / HTTP/1.1\r\nHost: a\r\n")
            // A whole request: served, the connection would answer 200; refused, it is closed with nothing said.
            // (The raw client's own 5 s bound, not a short one, so that a slow close is not taken for an answer.)
            let third = try RawConnection(port: port)
            third.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n")
            let refused = third.readToEnd()
            #expect(refused.closed)
            #expect(refused.text.isEmpty)
            // A slot is free again once a connection of the address closes.
            first.send("\r\n")
            #expect(RawResponse(first.readAvailable(waiting: .seconds(5)).text)?.status == 200)
            withExtendedLifetime(first) {}
        }
    }
}
