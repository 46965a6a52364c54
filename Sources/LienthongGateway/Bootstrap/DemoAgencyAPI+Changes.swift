import LienthongHTTP
import LienthongJSON
import LienthongStorage

extension DemoAgencyAPI {
    /// `GET /api/v1/thay-doi?after=N&limit=N`: the parcels changed after change `N` (the rows its triggers put in
    /// `thay_doi`), as a change feed: `{"changes": [{"key": "44004-45-66", "cursor": "18"}], "head": "18"}`.
    func changes(_ request: HTTPRequest) async -> HTTPResponse {
        let limit = Int64(min(max(Int(request.queryValue("limit") ?? "") ?? 100, 0), 1_000))
        let after = request.queryValue("after").flatMap { Int64($0) }
        let answer = try? await pool.withConnection { database throws(StorageError) -> JSONValue in
            let head = try database.query("SELECT COALESCE(MAX(ma_thay_doi), 0) FROM thay_doi").first?.first
            var changes: [JSONValue] = []
            if let after {
                for row in try database.query(
                    "SELECT ma_thay_doi, khoa FROM thay_doi WHERE ma_thay_doi > ?1 ORDER BY ma_thay_doi LIMIT ?2",
                    [.integer(after), .integer(limit)])
                {
                    guard case .integer(let cursor) = row[0], case .text(let key) = row[1] else { continue }
                    changes.append(["key": .string(key), "cursor": .string(String(cursor))])
                }
            }
            guard case .integer(let newest) = head else { return ["changes": .array(changes), "head": "0"] }
            return ["changes": .array(changes), "head": .string(String(newest))]
        }
        guard let answer else { return Self.internalError }
        return .json(answer.serializedBytes())
    }
}
