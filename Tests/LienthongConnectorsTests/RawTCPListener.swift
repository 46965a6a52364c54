import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A bare TCP listener on 127.0.0.1 that misbehaves below HTTP.
final class RawTCPListener: Sendable {
    enum Behaviour: Sendable {
        /// Accept, then close with `SO_LINGER` 0: the client sees a reset.
        case reset
        /// Accept, then close at once without answering.
        case close
        /// Read the request head, then answer 200 without a length and stream bytes until the client leaves.
        case stream
    }

    /// What the listener saw.
    final class Counters: Sendable {
        /// Body bytes the `stream` behaviour managed to write (over all connections).
        let bytesStreamed = Atomic<Int>(0)
        /// Connections accepted.
        let accepted = Atomic<Int>(0)
    }

    let port: Int
    let counters = Counters()
    private let fd: Int32

    init(_ behaviour: Behaviour) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
        let counters = self.counters
        let thread = Thread {
            while true {
                let client = accept(fd, nil, nil)
                guard client >= 0 else { return }  // the listener was shut down
                counters.accepted.add(1, ordering: .relaxed)
                Self.serve(client, behaviour, counters: counters)
            }
        }
        thread.start()
    }

    private static func serve(_ client: Int32, _ behaviour: Behaviour, counters: Counters) {
        switch behaviour {
        case .reset:
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
            close(client)
        case .close:
            close(client)
        case .stream:
            var head = [UInt8](repeating: 0, count: 4096)
            _ = recv(client, &head, head.count, 0)
            let header = Array("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n[".utf8)
            _ = send(client, header, header.count, Int32(MSG_NOSIGNAL))
            let chunk = [UInt8](repeating: UInt8(ascii: " "), count: 64 * 1024)
            var total = 0
            while total < 50 * 1024 * 1024 {
                let sent = send(client, chunk, chunk.count, Int32(MSG_NOSIGNAL))
                guard sent > 0 else { break }
                total += sent
                counters.bytesStreamed.add(sent, ordering: .relaxed)
            }
            close(client)
        }
    }

    /// Stops accepting; the accept loop ends.
    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}
