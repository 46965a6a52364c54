import Foundation
import LienthongHTTP
import LienthongJSON
import Synchronization

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

    /// The requests that reached each mode so far.
    let arrivals = Arrivals()

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        arrivals.count(request.pathSegments?.first ?? "")
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

/// Counts the requests that reached a ``FaultHandler``, by mode (first path segment).
final class Arrivals: Sendable {
    private let counts = Mutex<[String: Int]>([:])

    func count(_ mode: String) { counts.withLock { $0[mode, default: 0] += 1 } }

    /// The requests that reached `mode` so far.
    subscript(_ mode: String) -> Int { counts.withLock { $0[mode] ?? 0 } }
}

/// A running ``HTTPServer`` on 127.0.0.1 and an ephemeral port, stopped by ``stop()``.
final class FaultServer: Sendable {
    let server: HTTPServer
    let port: Int
    /// The requests that reached each mode so far.
    let arrivals: Arrivals
    private let running: Task<Void, any Error>

    init() async throws {
        let handler = FaultHandler()
        arrivals = handler.arrivals
        server = HTTPServer(
            configuration: HTTPServerConfiguration(
                host: "127.0.0.1", port: 0, eventLoops: 1, shutdownGracePeriod: .milliseconds(200)),
            handler: handler)
        port = try await server.start()
        let server = self.server
        running = Task { try await server.run() }
    }

    func stop() async {
        server.shutdown()
        _ = await running.result
    }
}
