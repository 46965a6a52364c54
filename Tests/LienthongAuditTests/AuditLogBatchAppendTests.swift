import Foundation
import LienthongAudit
import Testing

/// The events of one exchange appended together: consecutive records in the given order, durable and readable
/// when the call returns, in one commit.
struct AuditLogBatchAppendTests {
    let directory = temporaryDirectory()
    var path: String { directory.appendingPathComponent("audit.sqlite").path }
    let key = Array("node-secret-for-tests".utf8)

    @Test func eventsOfOneCallAreConsecutiveRecordsInOrder() async throws {
        let log = try AuditLog(path: path, subjectKey: key)
        let first = try await log.append(auditEvent(1))
        let parts = (2...5).map { auditEvent($0, subject: "00119000000\($0)") }
        let records = try await log.append(contentsOf: parts)
        #expect(records.map(\.seq) == [2, 3, 4, 5])
        #expect(records.map(\.requestID) == parts.map(\.requestID))
        #expect(records.first?.prevHash == first.hash)
        #expect(zip(records.dropFirst(), records).allSatisfy { $0.prevHash == $1.hash })
        #expect(records.map(\.subjectHMAC) == parts.map { $0.subjectKey.map(log.subjectHMAC) })
        // Durable and visible to a separate reader once the call returned.
        #expect(try log.records(requestID: "req-4") == [records[2]])
        // The four were committed together: one batch of four after the first append's batch of one.
        let statistics = log.statistics
        #expect(statistics.batches == 2)
        #expect(statistics.records == 5)
        #expect(try await log.append(contentsOf: []).isEmpty)
        log.close()
        #expect(try AuditLog.verify(path: path).isValid)
    }

    @Test func aClosedLogRefusesTheWholeCall() async throws {
        let log = try AuditLog(path: path, subjectKey: key)
        log.close()
        await #expect(throws: AuditError.self) { try await log.append(contentsOf: [auditEvent(1), auditEvent(2)]) }
    }
}
