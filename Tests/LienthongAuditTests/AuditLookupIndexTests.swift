import Foundation
import LienthongAudit
import LienthongStorage
import LienthongTesting
import Testing

/// Lookups by request id and subject through the companion index file (`audit.sqlite-index`): the same answers
/// whether a record is indexed yet or not, and no trust in the index beyond what the log confirms.
struct AuditLookupIndexTests {
    let directory = temporaryDirectory()
    var path: String { directory.appendingPathComponent("audit.sqlite").path }
    var indexPath: String { path + "-index" }
    let key = Array("node-secret-for-tests".utf8)
    let alice = "079085000001"
    let bob = "001190000002"

    /// Appends events 1...count one by one; odd ones are about `alice`, even ones about `bob`.
    func append(_ log: AuditLog, _ range: ClosedRange<Int>) async throws -> [AuditRecord] {
        var records: [AuditRecord] = []
        for index in range { records.append(try await log.append(auditEvent(index, subject: subject(index)))) }
        return records
    }

    func subject(_ index: Int) -> String { index % 2 == 1 ? alice : bob }

    /// Deletes the index file with its WAL and shared-memory files.
    func removeIndexFile() {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: indexPath + suffix) }
    }

    func indexedThrough() throws -> Int64? {
        let rows = try SQLiteDatabase(path: indexPath, mode: .readOnly).query("SELECT through FROM indexed")
        if case .integer(let seq) = rows.first?.first { return seq }
        return nil
    }

    @Test func lookupsAnswerTheSameForIndexedAndNewerRecords() async throws {
        let log = try AuditLog(path: path, subjectKey: key)
        let first = try await append(log, 1...6)
        try log.indexLookups()
        #expect(try indexedThrough() == 6)
        // Records 7...9 are newer than the index: found by scanning the tail.
        let second = try await append(log, 7...9)
        let all = first + second

        #expect(try log.records(subjectKey: alice) == all.filter { $0.seq % 2 == 1 })
        #expect(try log.records(subjectKey: bob) == all.filter { $0.seq % 2 == 0 })
        #expect(try log.records(requestID: "req-3") == [all[2]])
        #expect(try log.records(requestID: "req-8") == [all[7]])
        #expect(try log.records(requestID: "req-10").isEmpty)
        // Transparency: allowed exchanges only (every fifth test event is a denial).
        let allowed = all.filter { $0.seq % 2 == 1 && $0.outcome == .allowed }
        #expect(allowed.map(\.seq) == [1, 3, 7, 9])
        #expect(try log.accesses(subjectKey: alice).map(\.time) == allowed.map(\.recordedAt))

        try log.indexLookups()
        #expect(try indexedThrough() == 9)
        #expect(try log.records(subjectKey: alice) == all.filter { $0.seq % 2 == 1 })
        log.close()
    }

    @Test func theIndexerThreadCatchesUpByItself() async throws {
        let log = try AuditLog(path: path, subjectKey: key)
        _ = try await append(log, 1...20)
        // Waits for a condition, bounded; asserts nothing about how long it took.
        try await Poll.until(within: .seconds(10), every: .milliseconds(100)) { try indexedThrough() == 20 }
        #expect(try indexedThrough() == 20)
        log.close()
    }

    @Test func aBatchRewritesTheNewestBucketOfTheIndexNotAllOfIt() async throws {
        let log = try AuditLog(path: path, subjectKey: key)
        func appendDistinct(_ range: Range<Int>) async throws {
            for start in stride(from: range.lowerBound, to: range.upperBound, by: 1_000) {
                let events = (start..<min(start + 1_000, range.upperBound)).map { auditEvent($0, subject: "s-\($0)") }
                _ = try await log.append(contentsOf: events)
            }
        }
        try await appendDistinct(1..<20_001)
        try log.indexLookups()
        let index = try SQLiteDatabase(path: indexPath, mode: .readWrite)
        _ = try index.query("PRAGMA wal_checkpoint(TRUNCATE)")

        try await appendDistinct(20_001..<21_001)
        try log.indexLookups()
        // One row: busy, frames in the WAL (the pages the batch wrote, once each), frames copied. Keyed by the random
        // key alone, 1,000 new keys land on nearly every leaf of the 20,000 records' two tables (some 180 pages).
        let row = try index.query("PRAGMA wal_checkpoint(PASSIVE)").first ?? []
        let frames = try #require(row.count == 3 ? row[1] : nil)
        guard case .integer(let written) = frames else { Issue.record("no frame count: \(frames)"); return }
        #expect(written > 0)
        #expect(written < 100)
        #expect(try log.records(requestID: "req-20500").map(\.seq) == [20_500])
        #expect(try log.records(subjectKey: "s-7").map(\.seq) == [7])
        log.close()
    }

    @Test func aTamperedIndexEntryFindsNothingItShouldNot() async throws {
        let log = try AuditLog(path: path, subjectKey: key)
        _ = try await append(log, 1...4)
        try log.indexLookups()
        // Point one of Alice's entries at a record about Bob (as a collision of hash keys would).
        try SQLiteDatabase(path: indexPath, mode: .readWrite).execute("UPDATE by_subject SET seq = 2 WHERE seq = 3")
        #expect(try log.records(subjectKey: alice).map(\.seq) == [1])
        log.close()
    }

    @Test func aMissingOrForeignIndexIsRebuiltFromTheLog() async throws {
        let log = try AuditLog(path: path, subjectKey: key)
        let records = try await append(log, 1...5)
        try log.indexLookups()
        log.close()

        // Without the index file, lookups scan the log.
        removeIndexFile()
        let reopened = try AuditLog(path: path, subjectKey: key)
        #expect(try reopened.records(subjectKey: alice).map(\.seq) == [1, 3, 5])
        try reopened.indexLookups()
        #expect(try indexedThrough() == 5)
        reopened.close()

        // An index made from another log (its last entry's hash differs from this log's record) is replaced.
        try SQLiteDatabase(path: indexPath, mode: .readWrite).execute(
            "UPDATE indexed SET through_hash = 'another log'; DELETE FROM by_subject")
        let third = try AuditLog(path: path, subjectKey: key)
        #expect(try indexedThrough() == 0)
        try third.indexLookups()
        #expect(try third.records(subjectKey: bob) == [records[1], records[3]])
        third.close()
    }

    @Test func anIndexFileOfTheEarlierLayoutIsRebuilt() async throws {
        let log = try AuditLog(path: path, subjectKey: key)
        let records = try await append(log, 1...3)
        log.close()
        // The first layout kept the values themselves, and no user_version; its high-water mark matches this log.
        removeIndexFile()
        try SQLiteDatabase(path: indexPath, mode: .readWriteCreate).execute(
            """
            CREATE TABLE by_request (request_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (request_id, seq))
                WITHOUT ROWID;
            CREATE TABLE by_subject (subject_hmac TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (subject_hmac, seq))
                WITHOUT ROWID;
            CREATE TABLE indexed (id INTEGER PRIMARY KEY CHECK (id = 1), through INTEGER NOT NULL, through_hash TEXT);
            INSERT INTO indexed VALUES (1, 3, '\(records[2].hash)');
            """)
        let reopened = try AuditLog(path: path, subjectKey: key)
        #expect(try indexedThrough() == 0)
        try reopened.indexLookups()
        #expect(try indexedThrough() == 3)
        #expect(try reopened.records(requestID: "req-2") == [records[1]])
        #expect(try reopened.records(subjectKey: alice) == [records[0], records[2]])
        reopened.close()
    }

    @Test func withoutTheIndexFileLookupsScanTheLog() async throws {
        let log = try AuditLog(path: path, subjectKey: key)
        let records = try await append(log, 1...3)
        try log.indexLookups()
        removeIndexFile()
        #expect(!FileManager.default.fileExists(atPath: indexPath))
        #expect(try log.records(requestID: "req-2") == [records[1]])
        #expect(try log.records(subjectKey: alice) == [records[0], records[2]])
        log.close()
    }

    @Test func aLogFromBeforeTheIndexFileLosesItsRandomKeyIndexes() async throws {
        let log = try AuditLog(path: path, subjectKey: key)
        _ = try await append(log, 1...3)
        log.close()
        // The indexes the log's own table used to carry.
        try SQLiteDatabase(path: path, mode: .readWrite).execute(
            """
            CREATE INDEX audit_records_request_id ON audit_records(request_id);
            CREATE INDEX audit_records_subject ON audit_records(subject_hmac);
            """)
        let reopened = try AuditLog(path: path, subjectKey: key)
        let indexes = try SQLiteDatabase(path: path, mode: .readOnly)
            .query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_records'")
            .compactMap { row -> String? in if case .text(let name) = row[0] { name } else { nil } }
        #expect(indexes == ["audit_records_recorded_at"])
        #expect(try reopened.records(subjectKey: alice).map(\.seq) == [1, 3])
        reopened.close()
        #expect(try AuditLog.verify(path: path).isValid)
    }
}
