import Foundation
import LienthongStorage
import Testing

struct SQLiteStorageTests {
    @Test func bindsAndReadsEveryStorageClass() throws {
        let db = try SQLiteDatabase(path: ":memory:", mode: .readWriteCreate)
        try db.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)")
        let insert = try db.prepare("INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)")
        try insert.bind(Int.max, at: 1)
        try insert.bind(2.25, at: 2)
        try insert.bind("Hồ Chí Minh\u{0}x", at: 3)
        try insert.bind([0, 1, 255] as [UInt8], at: 4)
        try insert.bindNull(at: 5)
        #expect(try insert.step() == false)
        let select = try db.prepare("SELECT * FROM t")
        #expect(try select.step())
        #expect(select.int(at: 0) == Int.max && select.double(at: 1) == 2.25)
        #expect(select.string(at: 2) == "Hồ Chí Minh\u{0}x")
        #expect(select.blob(at: 3) == [0, 1, 255] && select.isNull(at: 4) && select.string(at: 4) == nil)
        #expect(select.columnName(at: 2) == "s" && select.columnCount == 5)
        #expect(try select.step() == false)
        select.reset()
        #expect(try select.step())
    }

    @Test func errorsHaveStableCodesAndNoValues() throws {
        let db = try SQLiteDatabase(path: ":memory:", mode: .readWriteCreate)
        try db.execute("CREATE TABLE t (k TEXT PRIMARY KEY)")
        #expect(throws: StorageError(code: .prepare, detail: "")) { try db.prepare("SELEC nonsense") }
        let insert = try db.prepare("INSERT INTO t VALUES (?1)")
        #expect(throws: StorageError(code: .bind, detail: "")) { try insert.bind("a", at: 2) }
        #expect(throws: StorageError(code: .bind, detail: "")) { try insert.bind("a", named: ":nope") }
        try insert.bind("secret-value", at: 1)
        try insert.step()
        insert.reset()
        let error = try #require(throws: StorageError.self) { try insert.step() }
        #expect(error.code == .constraint && error.sqliteCode != nil)
        #expect(!error.description.contains("secret-value"))
        #expect(throws: StorageError(code: .open, detail: "")) {
            try SQLiteDatabase(path: "/nonexistent/dir/x.sqlite", mode: .readOnly)
        }
    }

    @Test func transactionsCommitOrRollBack() throws {
        let path = try TestSupport.temporaryDirectory() + "/t.sqlite"
        let db = try SQLiteDatabase(path: path, mode: .readWriteCreate)
        try db.enableWAL()
        try db.execute("CREATE TABLE t (k INTEGER)")
        try db.transaction { db throws(StorageError) in try db.execute("INSERT INTO t VALUES (1)") }
        #expect(throws: StorageError(code: .constraint, detail: "")) {
            try db.transaction { db throws(StorageError) in
                try db.execute("INSERT INTO t VALUES (2)")
                throw StorageError(code: .constraint, detail: "test")
            }
        }
        #expect(try db.query("SELECT k FROM t") == [[.integer(1)]])
        #expect(db.isAutocommit)
        let readOnly = try SQLiteDatabase(path: path, mode: .readOnly)
        #expect(throws: StorageError(code: .readOnly, detail: "")) { try readOnly.execute("INSERT INTO t VALUES (3)") }
    }

    @Test func cachedStatementIsCompiledOnceAndStartsAfreshOnEachUse() throws {
        var db: SQLiteDatabase? = try SQLiteDatabase(path: ":memory:", mode: .readWriteCreate)
        weak let released = db
        try db?.execute("CREATE TABLE t (k INTEGER); INSERT INTO t VALUES (1), (2)")
        let sql = "SELECT k FROM t WHERE k >= ?1 ORDER BY k"
        // Left after one row of two, with ?1 bound.
        let first = try db?.withCachedStatement(sql) { statement throws(StorageError) in
            try statement.bind(1, at: 1)
            #expect(try statement.step() && statement.int(at: 0) == 1)
            return ObjectIdentifier(statement)
        }
        // The same statement, bindings cleared: `k >= NULL` matches nothing.
        let second = try db?.withCachedStatement(sql) { statement throws(StorageError) in
            #expect(try statement.step() == false)
            return ObjectIdentifier(statement)
        }
        #expect(first != nil && first == second)
        // Reset: binding works again and the rows start from the first.
        try db?.withCachedStatement(sql) { statement throws(StorageError) in
            try statement.bind(2, at: 1)
            #expect(try statement.step() && statement.int(at: 0) == 2)
        }
        #expect(throws: StorageError(code: .prepare, detail: "")) {
            try db?.withCachedStatement("SELEC nonsense") { _ throws(StorageError) in }
        }
        // The cache does not keep its connection alive.
        db = nil
        #expect(released == nil)
    }

    @Test func poolNeverOpensMoreThanItsSize() async throws {
        let path = try TestSupport.temporaryDirectory() + "/p.sqlite"
        try SQLiteDatabase(path: path, mode: .readWriteCreate).execute("CREATE TABLE t (k INTEGER)")
        let pool = SQLiteConnectionPool(configuration: .init(path: path, mode: .readOnly, size: 3))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<30 {
                group.addTask {
                    _ = try await pool.withConnection { db throws(StorageError) in try db.query("SELECT count(*) FROM t") }
                }
            }
            try await group.waitForAll()
        }
        #expect(pool.openConnections <= 3 && pool.openConnections >= 1)
        pool.close()
        await #expect(throws: StorageError(code: .poolClosed, detail: "")) {
            try await pool.withConnection { _ throws(StorageError) in 1 }
        }
    }
}
