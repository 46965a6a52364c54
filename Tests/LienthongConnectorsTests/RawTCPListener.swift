import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A bare TCP listener on 127.0.0.1 that misbehaves below HTTP.
///
/// One thread accepts and serves the connections one at a time. ``stop()`` returns only once that thread has
/// ended, and only then closes the listening socket: a thread still serving a connection when the socket closed
/// used to call `accept` afterwards on whatever the process opened next under the same descriptor number (the next
/// test's listener) and take that listener's connections.
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

    /// What ``stop()`` and the accept thread share.
    private struct State {
        /// The connection being served, which ``stop()`` shuts down so that a `stream` nobody reads ends.
        var serving: Int32 = -1
        var stopped = false
    }

    let port: Int
    let counters = Counters()
    private let fd: Int32
    private let state = Mutex(State())
    /// Signalled by the accept thread as it ends.
    private let ended = DispatchSemaphore(value: 0)

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
        Thread { [self] in acceptUntilStopped(behaviour) }.start()
    }

    private func acceptUntilStopped(_ behaviour: Behaviour) {
        defer { ended.signal() }
        while true {
            let client = accept(fd, nil, nil)
            guard client >= 0 else {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return  // the listener was shut down
            }
            let serve = state.withLock { state in
                if state.stopped { return false }
                state.serving = client
                return true
            }
            guard serve else {
                close(client)
                return
            }
            counters.accepted.add(1, ordering: .relaxed)
            Self.serve(client, behaviour, counters: counters)
            // Cleared before the close, so that stop() never shuts down a descriptor number the process reused.
            state.withLock { $0.serving = -1 }
            close(client)
        }
    }

    /// Answers one connection as `behaviour` says; the caller closes it.
    private static func serve(_ client: Int32, _ behaviour: Behaviour, counters: Counters) {
        switch behaviour {
        case .reset:
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(client, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        case .close:
            break
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
        }
    }

    /// Stops accepting and ends the connection being served; returns once the accept thread has ended.
    func stop() {
        let running = state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            state.stopped = true
            if state.serving >= 0 { shutdown(state.serving, Int32(SHUT_RDWR)) }
            return true
        }
        guard running else { return }
        shutdown(fd, Int32(SHUT_RDWR))
        ended.wait()
        close(fd)
    }
}
