import Foundation
import LienthongStorage
import Testing

@testable import LienthongAudit

/// When the indexer's checkpoint cannot copy the whole WAL (a commit, here a reader's snapshot, got in its way),
/// the writer copies the rest before its next commit, and that commit starts the WAL again instead of growing it.
struct AuditWALRestartTests {
    let directory = temporaryDirectory()
    var path: String { directory.appendingPathComponent("audit.sqlite").path }

    /// The WAL header's checkpoint sequence number: SQLite adds one each time it starts the WAL again.
    func walRestarts() throws -> UInt32 {
        guard let handle = FileHandle(forReadingAtPath: path + "-wal") else { return 0 }
        defer { try? handle.close() }
        let header = try handle.read(upToCount: 16) ?? Data()
        guard header.count == 16 else { return 0 }
        return header[12..<16].reduce(0) { $0 << 8 | UInt32($1) }
    }

    @Test func theWriterFinishesACheckpointThatWasCutShort() throws {
        let storage = try SQLiteAuditStorage(path: path)
        defer { storage.close() }
        var chain = AuditChain()
        func batch(_ range: ClosedRange<Int>) throws {
            try storage.insert(range.map { chain.append(auditEvent($0), subjectHMAC: "h\($0)") }, checkpoint: nil)
        }
        try batch(1...50)
        // A reader's snapshot after the first batch: the checkpoint below may copy nothing past it.
        let reader = try SQLiteDatabase(path: path, mode: .readOnly)
        try reader.execute("BEGIN")
        _ = try reader.query("SELECT COUNT(*) FROM audit_records")
        try batch(51...100)
        try storage.indexer.checkpointLog()
        try reader.execute("COMMIT")
        let before = try walRestarts()
        try batch(101...150)
        #expect(try walRestarts() > before)
        #expect(try storage.head().lastSeq == 150)
    }
}
