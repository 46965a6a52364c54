import LienthongConnectors
import LienthongHTTP
import LienthongStorage

/// The demo land agency's own API, a separate service the gateway reaches over HTTP through its REST
/// connector, answering the agency's native JSON documents:
/// - `GET /api/v1/thua-dat/{maXa}/{soTo}/{soThua}`: one parcel;
/// - `GET /api/v1/thua-dat/{maXa}/{soTo}?limit=N`: the parcels of a map sheet;
/// - `GET /api/v1/thua-dat?nguoiSuDung={soGiayTo}&limit=N`: the parcels a holder (by ID document) uses;
/// - `GET /api/v1/tai-lieu/{maXa}/{soTo}/{soThua}?size=N`: a parcel's scanned file, streamed
///   (``DemoParcelDocument``);
/// - `GET /api/v1/thay-doi?after=N&limit=N`: the change feed of the parcels (``DemoAgencyAPI+Changes``).
struct DemoAgencyAPI: HTTPHandler {
    let pool: SQLiteConnectionPool

    init(dataDirectory: String) {
        pool = SQLiteConnectionPool(
            configuration: .init(path: DemoRegistries.databasePath(registry: "land", dataDirectory: dataDirectory))
        )
    }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        if request.method == .get, let segments = request.pathSegments, segments.count == 6,
            Array(segments.prefix(3)) == ["api", "v1", "tai-lieu"]
        {
            return await document(request, commune: segments[3], sheet: segments[4], parcel: segments[5])
        }
        if request.method == .get, request.pathSegments == ["api", "v1", "thay-doi"] { return await changes(request) }
        guard request.method == .get, let segments = request.pathSegments, segments.count >= 3,
            Array(segments.prefix(3)) == ["api", "v1", "thua-dat"]
        else { return Self.notFound("No such resource.") }
        let limit = Int64(min(max(Int(request.queryValue("limit") ?? "") ?? 100, 1), 10_000))
        switch segments.count {
        case 6:
            guard let sheet = Int(segments[4]), let parcel = Int(segments[5]) else {
                return Self.notFound("No such parcel.")
            }
            guard let documents = await documents(
                "SELECT tai_lieu FROM thua_dat WHERE ma_xa = ?1 AND so_to_ban_do = ?2 AND so_thua = ?3",
                [.text(segments[3]), .integer(Int64(sheet)), .integer(Int64(parcel))]
            ) else { return Self.internalError }
            guard let document = documents.first else { return Self.notFound("No such parcel.") }
            return .json(Array(document.utf8))
        case 5:
            guard let sheet = Int(segments[4]) else { return Self.notFound("No such map sheet.") }
            return await list(
                "SELECT tai_lieu FROM thua_dat WHERE ma_xa = ?1 AND so_to_ban_do = ?2 ORDER BY so_thua LIMIT ?3",
                [.text(segments[3]), .integer(Int64(sheet)), .integer(limit)]
            )
        case 3:
            guard let holder = request.queryValue("nguoiSuDung"), !holder.isEmpty else {
                return Self.notFound("Name a holder with nguoiSuDung.")
            }
            return await list(
                """
                SELECT tai_lieu FROM thua_dat WHERE EXISTS (SELECT 1 FROM json_each(tai_lieu, '$.chuSuDung') \
                WHERE json_extract(value, '$.soGiayTo') = ?1) ORDER BY ma_xa, so_to_ban_do, so_thua LIMIT ?2
                """,
                [.text(holder), .integer(limit)]
            )
        default:
            return Self.notFound("No such resource.")
        }
    }

    /// The scanned file of an existing parcel.
    private func document(_ request: HTTPRequest, commune: String, sheet: String, parcel: String) async -> HTTPResponse {
        guard let sheetNumber = Int(sheet), let parcelNumber = Int(parcel) else { return Self.notFound("No such parcel.") }
        guard let found = await documents(
            "SELECT 1 FROM thua_dat WHERE ma_xa = ?1 AND so_to_ban_do = ?2 AND so_thua = ?3",
            [.text(commune), .integer(Int64(sheetNumber)), .integer(Int64(parcelNumber))], column: { _ in "" }
        ) else { return Self.internalError }
        guard !found.isEmpty else { return Self.notFound("No such parcel.") }
        let size = Int(request.queryValue("size") ?? "") ?? DemoParcelDocument.defaultSize
        return DemoParcelDocument(
            parcel: "\(commune)-\(sheetNumber)-\(parcelNumber)", size: min(max(size, 0), DemoParcelDocument.maxSize)
        ).response()
    }

    private func list(_ sql: String, _ parameters: [SQLiteValue]) async -> HTTPResponse {
        guard let documents = await documents(sql, parameters) else { return Self.internalError }
        return .json(Array(("[" + documents.joined(separator: ",") + "]").utf8))
    }

    /// The `tai_lieu` JSON texts the query selects (or what `column` makes of each row), or `nil` when storage
    /// fails.
    private func documents(
        _ sql: String, _ parameters: [SQLiteValue],
        column: @escaping @Sendable (SQLiteValue?) -> String? = { value in
            guard case .text(let json)? = value else { return nil }
            return json
        }
    ) async -> [String]? {
        try? await pool.withConnection { database throws(StorageError) in
            try database.query(sql, parameters).compactMap { row in column(row.first) }
        }
    }

    private static func notFound(_ detail: String) -> HTTPResponse {
        .problem(status: 404, code: "not-found", title: "Not found", detail: detail)
    }

    static let internalError = HTTPResponse.problem(
        status: 500, code: "internal-error", title: "Internal error", detail: "Storage failed."
    )
}
