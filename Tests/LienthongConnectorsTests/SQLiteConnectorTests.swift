import Foundation
import LienthongConnectors
import LienthongJSON
import LienthongStorage
import Testing

struct SQLiteConnectorTests {
    private func database() throws -> String {
        let path = try TestSupport.temporaryDirectory() + "/population.sqlite"
        let db = try SQLiteDatabase(path: path, mode: .readWriteCreate)
        try db.execute("CREATE TABLE cong_dan (so_dinh_danh TEXT PRIMARY KEY, ho_ten TEXT, so INTEGER, he REAL, ghi TEXT)")
        let insert = try db.prepare("INSERT INTO cong_dan VALUES (:id, :name, :n, :r, :note)")
        try insert.bind("001190012345", named: ":id")
        try insert.bind("Nguyễn Thị Hương", named: ":name")
        try insert.bind(.integer(7), named: ":n")
        try insert.bind(.real(1.5), named: ":r")
        try insert.bind(.null, named: ":note")
        try insert.step()
        return path
    }

    private func connector(_ path: String, lookup: String = "SELECT * FROM cong_dan WHERE so_dinh_danh = ?1")
        -> SQLiteConnector
    {
        SQLiteConnector(
            registry: "population",
            configuration: .init(path: (path as NSString).lastPathComponent, lookup: lookup, poolSize: 2),
            dataDirectory: (path as NSString).deletingLastPathComponent)
    }

    @Test func lookupHitReturnsColumnsByNativeName() async throws {
        let connector = connector(try database())
        let row = try await connector.lookup(key: "001190012345")
        #expect(row == ["so_dinh_danh": "001190012345", "ho_ten": "Nguyễn Thị Hương", "so": 7, "he": 1.5, "ghi": nil])
        #expect(await connector.health() == .up)
        await connector.close()
    }

    /// A pooled connection (which maps the file) sees what another connection commits afterwards: an update, and
    /// a row added once the file has grown past what was mapped when the connection first read it.
    @Test func lookupSeesChangesCommittedAfterItsConnectionOpened() async throws {
        let path = try database()
        let connector = connector(path)
        #expect(try await connector.lookup(key: "001190012345")?["ho_ten"] == "Nguyễn Thị Hương")
        let writer = try SQLiteDatabase(path: path, mode: .readWrite)
        try writer.execute("UPDATE cong_dan SET ho_ten = 'Trần Văn An' WHERE so_dinh_danh = '001190012345'")
        #expect(try await connector.lookup(key: "001190012345")?["ho_ten"] == "Trần Văn An")
        try writer.execute(
            "WITH RECURSIVE n(value) AS (SELECT 1 UNION ALL SELECT value + 1 FROM n WHERE value < 2000) "
                + "INSERT INTO cong_dan SELECT printf('%012d', value), hex(randomblob(200)), value, 0.5, NULL FROM n")
        #expect(try await connector.lookup(key: "000000001999")?["so"] == 1999)
        await connector.close()
    }

    @Test func lookupMissReturnsNil() async throws {
        let connector = connector(try database())
        #expect(try await connector.lookup(key: "001190099999") == nil)
        // The key is bound, never spliced into SQL.
        #expect(try await connector.lookup(key: "' OR '1'='1") == nil)
    }

    @Test func missingDatabaseIsUnavailableAndUnhealthy() async throws {
        let connector = connector(try TestSupport.temporaryDirectory() + "/absent.sqlite")
        let error = try await #require(throws: ConnectorError.self) { try await connector.lookup(key: "001190012345") }
        #expect(error.code == .unavailable && error.cause == "storage.open")
        #expect(error.problem.status == 502)
        #expect(error.problem.code == "upstream-unavailable")
        #expect(await connector.health().status == .down)
    }

    @Test func twoRowsForOneKeyIsAContractViolation() async throws {
        let connector = connector(try database(), lookup: "SELECT * FROM cong_dan, (SELECT 1 UNION SELECT 2) WHERE so_dinh_danh = ?1")
        let error = try await #require(throws: ConnectorError.self) { try await connector.lookup(key: "001190012345") }
        #expect(error.code == .upstreamContractViolation)
    }

    @Test func badLookupSQLIsAConfigurationError() async throws {
        let connector = connector(try database(), lookup: "SELECT * FROM no_such_table WHERE k = ?1")
        let error = try await #require(throws: ConnectorError.self) { try await connector.lookup(key: "x") }
        #expect(error.code == .configuration && error.cause == "storage.prepare")
    }

    @Test func closedConnectorFails() async throws {
        let connector = connector(try database())
        await connector.close()
        let error = try await #require(throws: ConnectorError.self) { try await connector.lookup(key: "001190012345") }
        #expect(error.code == .closed)
    }

    @Test func concurrentLookupsShareABoundedPool() async throws {
        let connector = connector(try database())
        let hits = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<40 {
                group.addTask { try await connector.lookup(key: index.isMultiple(of: 2) ? "001190012345" : "x") != nil }
            }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(hits == 20)
    }
}
