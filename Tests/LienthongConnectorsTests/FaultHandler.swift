import Foundation
import LienthongHTTP
import LienthongJSON

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
