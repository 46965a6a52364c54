import Foundation
import LienthongStorage
import LienthongTesting
import Testing

@testable import LienthongAudit

/// Who copies the audit log's WAL into its database file: the indexer thread, off the commit path, and not the
/// writer's commits (a checkpoint in a commit holds that batch's callers for the copy and a second fsync).
struct AuditWALCheckpointTests {
    let directory = temporaryDirectory()
    var path: String { directory.appendingPathComponent("audit.sqlite").path }

    /// How many records the database file holds by itself, without its WAL: what checkpoints copied so far.
    func recordsInDatabaseFile() throws -> Int64 {
        let copy = directory.appendingPathComponent("main-only-\(UUID().uuidString).sqlite")
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.copyItem(atPath: path, toPath: copy.path)
        let database = try SQLiteDatabase(path: copy.path, mode: .readOnly)
        let table = try database.query("SELECT 1 FROM sqlite_master WHERE name = 'audit_records'")
        guard !table.isEmpty else { return 0 }
        guard case .integer(let count) = try database.query("SELECT COUNT(*) FROM audit_records").first?.first
        else { return -1 }
        return count
    }

    @Test func commitsLeaveTheWALToTheIndexer() throws {
        // The store alone, without its indexer: only the writer's own commits could checkpoint here.
        let store = try AuditStore(path: path)
        var chain = AuditChain()
        let batches = 12
        for batch in 0..<batches {
            let records = (1...1_000).map { chain.append(auditEvent(batch * 1_000 + $0), subjectHMAC: "h\($0)") }
            try store.insert(records)
        }
        let pageSize = try #require(store.database.query("PRAGMA page_size").first?.first)
        guard case .integer(let bytesPerPage) = pageSize else { Issue.record("no page size"); return }
        let walBytes = try #require(
            try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int)
        // SQLite's default would have checkpointed (and restarted the WAL) at 1,000 pages.
        #expect(walBytes > 1_000 * Int(bytesPerPage))
        #expect(try recordsInDatabaseFile() == 0)
    }

    @Test func theIndexerThreadCheckpointsTheLog() async throws {
        let log = try AuditLog(path: path, subjectKey: Array("node-secret-for-tests".utf8))
        for index in 1...20 { _ = try await log.append(auditEvent(index)) }
        // Waits for a condition, bounded; asserts nothing about how long it took.
        try await Poll.until(within: .seconds(10), every: .milliseconds(100)) { try recordsInDatabaseFile() == 20 }
        #expect(try recordsInDatabaseFile() == 20)
        log.close()
    }
}
