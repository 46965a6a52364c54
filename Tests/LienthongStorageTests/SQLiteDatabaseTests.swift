import Foundation
import LienthongStorage
import LienthongTesting
import Testing

/// A connection keeps each statement it runs compiled (``SQLiteDatabase/query(_:_:)``, transactions): every use
/// must still start afresh, with its own bindings and a current view of the file.
struct SQLiteDatabaseTests {
    private func withTemporaryDirectory(_ body: (URL) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-sqlite-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try body(directory)
    }

    private static func database(in directory: URL, busyTimeoutMilliseconds: Int32 = 5_000) throws -> SQLiteDatabase {
        let database = try SQLiteDatabase(
            path: directory.appendingPathComponent("test.sqlite").path, mode: .readWriteCreate,
            busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        try database.enableWAL()
        return database
    }

    @Test func theSameQueryWithOtherBindingsAnswersForThem() throws {
        try withTemporaryDirectory { directory in
            let db = try Self.database(in: directory)
            try db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
            for k in 1...3 { _ = try db.query("INSERT INTO t VALUES (?1, ?2)", [.integer(Int64(k)), .text("v\(k)")]) }
            for k in [2, 1, 3, 2] {
                #expect(try db.query("SELECT v FROM t WHERE k = ?1", [.integer(Int64(k))]) == [[.text("v\(k)")]])
            }
            // Fewer bindings than the last use: the ones not given are NULL again, not the last values.
            #expect(try db.query("SELECT ?1, ?2", [.integer(7)]) == [[.integer(7), .null]])
            #expect(try db.query("SELECT ?1, ?2", [.integer(8), .integer(9)]) == [[.integer(8), .integer(9)]])
            #expect(try db.query("SELECT ?1, ?2") == [[.null, .null]])
        }
    }

    @Test func moreDistinctStatementsThanTheConnectionKeepsStillAnswer() throws {
        try withTemporaryDirectory { directory in
            let db = try Self.database(in: directory)
            for round in 0..<2 {
                for n in 0..<200 {
                    #expect(try db.query("SELECT \(n) + ?1", [.integer(Int64(round))]) == [[.integer(Int64(n + round))]])
                }
            }
        }
    }

    @Test func aQueryThatFailedLeavesItsStatementReadyForTheNextUse() throws {
        try withTemporaryDirectory { directory in
            let db = try Self.database(in: directory)
            try db.execute("CREATE TABLE t (k INTEGER PRIMARY KEY)")
            let insert = "INSERT INTO t VALUES (?1)"
            _ = try db.query(insert, [.integer(1)])
            #expect(throws: StorageError.self) { _ = try db.query(insert, [.integer(1)]) }
            _ = try db.query(insert, [.integer(2)])
            #expect(try db.query("SELECT k FROM t ORDER BY k") == [[.integer(1)], [.integer(2)]])
            // A transaction rolled back by its body, then one committed: the kept BEGIN, COMMIT and ROLLBACK run again.
            #expect(throws: StorageError.self) {
                try db.transaction { db throws(StorageError) in _ = try db.query(insert, [.integer(2)]) }
            }
            #expect(db.isAutocommit)
            try db.transaction { db throws(StorageError) in _ = try db.query(insert, [.integer(3)]) }
            #expect(try db.query("SELECT count(*) FROM t") == [[.integer(3)]])
        }
    }

    @Test func aKeptSelectDoesNotHoldAnOldViewOfTheFile() throws {
        try withTemporaryDirectory { directory in
            let reader = try Self.database(in: directory)
            let writer = try Self.database(in: directory)
            try writer.execute("CREATE TABLE t (k INTEGER PRIMARY KEY)")
            let count = "SELECT count(*) FROM t"
            #expect(try reader.query(count) == [[.integer(0)]])
            try writer.transaction { db throws(StorageError) in _ = try db.query("INSERT INTO t VALUES (1)") }
            #expect(try reader.query(count) == [[.integer(1)]])
        }
    }

    @Test func aWriteLockHeldElsewhereIsBusyAndTheNextTransactionRunsOnceItIsFree() throws {
        try withTemporaryDirectory { directory in
            let holder = try Self.database(in: directory)
            let waiter = try Self.database(in: directory, busyTimeoutMilliseconds: 0)
            try holder.execute("CREATE TABLE t (k INTEGER PRIMARY KEY)")
            try holder.execute("BEGIN IMMEDIATE")
            do throws(StorageError) {
                try waiter.transaction { db throws(StorageError) in _ = try db.query("INSERT INTO t VALUES (1)") }
                Issue.record("the transaction ran while another connection held the write lock")
            } catch {
                #expect(error.code == .busy)
            }
            try holder.execute("COMMIT")
            try waiter.transaction { db throws(StorageError) in _ = try db.query("INSERT INTO t VALUES (1)") }
            #expect(try holder.query("SELECT k FROM t") == [[.integer(1)]])
        }
    }
}
