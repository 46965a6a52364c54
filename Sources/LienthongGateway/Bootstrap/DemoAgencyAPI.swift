import LienthongConnectors
import LienthongHTTP
import LienthongStorage

/// The demo land agency's own API, a separate service the gateway reaches over HTTP through its REST
/// connector: `GET /api/v1/thua-dat/{maXa}/{soTo}/{soThua}` answers the agency's native JSON document.
struct DemoAgencyAPI: HTTPHandler {
    let pool: SQLiteConnectionPool

    init(dataDirectory: String) {
        pool = SQLiteConnectionPool(
            configuration: .init(path: DemoRegistries.databasePath(registry: "land", dataDirectory: dataDirectory))
        )
    }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        guard request.method == .get, let segments = request.pathSegments, segments.count == 6,
            Array(segments.prefix(3)) == ["api", "v1", "thua-dat"], let sheet = Int(segments[4]),
            let parcel = Int(segments[5])
        else {
            return .problem(status: 404, code: "not-found", title: "Not found", detail: "No such resource.")
        }
        let commune = segments[3]
        do {
            let document = try await pool.withConnection { database throws(StorageError) in
                try database.query(
                    "SELECT tai_lieu FROM thua_dat WHERE ma_xa = ?1 AND so_to_ban_do = ?2 AND so_thua = ?3",
                    [.text(commune), .integer(Int64(sheet)), .integer(Int64(parcel))]
                ).first?.first
            }
            guard case .text(let json)? = document else {
                return .problem(status: 404, code: "not-found", title: "Not found", detail: "No such parcel.")
            }
            return .json(Array(json.utf8))
        } catch {
            return .problem(status: 500, code: "internal-error", title: "Internal error", detail: "Storage failed.")
        }
    }
}
