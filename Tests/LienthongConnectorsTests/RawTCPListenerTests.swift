import Foundation
import LienthongTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The misbehaving listener of the connector fault tests.
@Suite struct RawTCPListenerTests {
    /// `RESTFaultTests.resetOrClosedConnectionIsUnavailable` failed under load with "accepted 0": the previous
    /// listener's thread, still serving when it was stopped, went back to `accept` on the descriptor number the next
    /// listener had been given, and took its connection. Here the first listener is stopped while it streams to a
    /// client that does not read; the second one must then see every connection made to it.
    @Test func aStoppedListenerTakesNoConnectionOfTheNextOne() async throws {
        let first = try RawTCPListener(.stream)
        let reader = try Loopback.connect(port: first.port)
        let head = Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)
        #expect(send(reader, head, head.count, Int32(MSG_NOSIGNAL)) == head.count)
        #expect(try await Poll.until { first.counters.bytesStreamed.load(ordering: .relaxed) > 0 })
        first.stop()
        let second = try RawTCPListener(.close)
        close(reader)
        let connections = 200
        for _ in 0..<connections {
            let client = try Loopback.connect(port: second.port)
            // The head too, so that a `stream` thread that took the connection answers instead of waiting for it.
            _ = send(client, head, head.count, Int32(MSG_NOSIGNAL))
            var byte: UInt8 = 0
            _ = recv(client, &byte, 1, 0)  // returns once the connection was served, by whichever thread took it
            close(client)
        }
        #expect(second.counters.accepted.load(ordering: .relaxed) == connections)
        #expect(first.counters.accepted.load(ordering: .relaxed) == 1)
        second.stop()
    }
}
