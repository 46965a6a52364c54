import Foundation
import LienthongHTTP
import LienthongJSON
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// An agency API that misbehaves on purpose, chosen by the first path segment:
/// `/ok/…` answers a valid parcel, `/slow/…` waits 30 s, `/garbage/…` answers broken JSON,
/// `/bad-record/…` a JSON object that breaks the land mapping, `/error/…` a 500, `/huge/…` a 50 MB body.
struct FaultHandler: HTTPHandler {
    static let parcel: JSONValue = [
        "maXa": "00004", "soToBanDo": 12, "soThua": 345, "dienTich": "123,5", "mucDichSuDung": "ODT",
        "soSerieGCN": "AB123456", "ngayCapGCN": "2019-05-06T00:00:00", "diaChi": "Số 1 phố Huế",
        "chuSuDung": [["loai": "CN", "soGiayTo": "001190012345", "ten": "Nguyễn Thị Hương"]],
    ]
    static let hugeBody = [UInt8](repeating: UInt8(ascii: " "), count: 50 * 1024 * 1024)

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        switch request.pathSegments?.first {
        case "ok":
            return .json(Array(Self.parcel.serializedString().utf8))
        case "slow":
            try? await Task.sleep(for: .seconds(30))
            return .json(Array(Self.parcel.serializedString().utf8))
        case "garbage":
            return .json(Array(#"{"maXa": "00004", "soToBanDo": 12, "#.utf8))
        case "bad-record":
            var parcel = Self.parcel.objectValue!
            parcel["dienTich"] = "một trăm"
            return .json(Array(JSONValue.object(parcel).serializedString().utf8))
        case "error":
            return .problem(status: 500, code: "internal", title: "Internal", detail: "boom")
        case "huge":
            return .json(Self.hugeBody)
        default:
            return HTTPResponse(status: 404)
        }
    }
}

/// A running ``HTTPServer`` on 127.0.0.1 and an ephemeral port, stopped by ``stop()``.
final class FaultServer: Sendable {
    let server: HTTPServer
    let port: Int
    private let running: Task<Void, any Error>

    init() async throws {
        server = HTTPServer(
            configuration: HTTPServerConfiguration(
                host: "127.0.0.1", port: 0, eventLoops: 1, shutdownGracePeriod: .milliseconds(200)),
            handler: FaultHandler())
        port = try await server.start()
        let server = self.server
        running = Task { try await server.run() }
    }

    func stop() async {
        server.shutdown()
        _ = await running.result
    }
}

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

/// Process resources, read from `/proc/self`.
enum ProcessResources {
    /// Open file descriptors (entries of `/proc/self/fd`).
    static func openFileDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
    }

    /// Open sockets among them.
    static func openSockets() -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.filter {
            ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) ?? "").hasPrefix("socket:")
        }.count
    }

    /// Resident set size in kB (`VmRSS` of `/proc/self/status`).
    static func residentKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return -1 }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? -1
    }

    /// A loopback port with nothing listening (bound, then closed).
    static func refusedPort() throws -> Int {
        let listener = try RawTCPListener(.close)
        listener.stop()
        return listener.port
    }
}
