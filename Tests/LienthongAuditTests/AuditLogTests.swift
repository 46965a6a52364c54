import Foundation
import LienthongAudit
import LienthongStorage
import Testing

struct AuditLogTests {
    let directory = temporaryDirectory()
    var path: String { directory.appendingPathComponent("audit.sqlite").path }
    let key = Array("node-secret-for-tests".utf8)

    func event(_ index: Int, subject: String = "079085000001") -> AuditEvent { auditEvent(index, subject: subject) }

    /// Appends `count` events concurrently, so the writer batches them.
    func fill(_ log: AuditLog, count: Int) async throws -> [AuditRecord] {
        try await withThrowingTaskGroup(of: AuditRecord.self) { group in
            for index in 1...count { group.addTask { try await log.append(event(index)) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    @Test func concurrentAppendsFormOneVerifiableChain() async throws {
        let log = try AuditLog(path: path, subjectKey: key)
        let records = try await fill(log, count: 300)
        log.close()
        #expect(Set(records.map(\.seq)) == Set(1...300))
        let verification = try AuditLog.verify(path: path)
        #expect(verification.isValid)
        #expect(verification.recordsChecked == 300)
    }

    @Test func recordsAreDurableAndFoundByRequestIDAndSubject() async throws {
        let log = try AuditLog(path: path, subjectKey: key)
        let record = try await log.append(event(1))
        _ = try await log.append(event(2, subject: "001190000002"))
        // A record returned by append is already readable by a separate connection.
        let found = try log.records(requestID: "req-1")
        #expect(found == [record])
        #expect(try log.records(subjectKey: "001190000002").map(\.requestID) == ["req-2"])
        #expect(record.subjectHMAC != nil)
        #expect(record.subjectHMAC?.contains("079085000001") == false)
        log.close()

        // Reopening continues the chain.
        let reopened = try AuditLog(path: path, subjectKey: key)
        let third = try await reopened.append(event(3))
        reopened.close()
        #expect(third.seq == 3)
        #expect(try AuditLog.verify(path: path).isValid)
    }

    @Test func signedRequestHashIsChainedStoredAndExported() async throws {
        let log = try AuditLog(path: path, subjectKey: key)
        var signed = event(1)
        signed.requestSHA256 = "tW7Jq1kR0c8vX3zN5bY2pL6mA9dF4gH0sE1uI8oK7yQ"
        let record = try await log.append(signed)
        let unsigned = try await log.append(event(2))
        log.close()
        #expect(record.content["requestSha256"] == "tW7Jq1kR0c8vX3zN5bY2pL6mA9dF4gH0sE1uI8oK7yQ")
        #expect(unsigned.content["requestSha256"] == nil)
        #expect(try AuditLog.allRecords(path: path) == [record, unsigned])
        #expect(try AuditRecord(json: record.exportLine) == record)
        // The hash covers it: changing the stored value breaks the chain at that record.
        let database = try SQLiteDatabase(path: path, mode: .readWrite)
        try database.execute("UPDATE audit_records SET request_sha256 = 'x' WHERE seq = 1")
        #expect(try AuditLog.verify(path: path).firstBad?.seq == 1)
    }

    @Test func logWrittenBeforeSignedRequestsStillVerifiesAndContinues() async throws {
        let log = try AuditLog(path: path, subjectKey: key)
        for index in 1...3 { _ = try await log.append(event(index)) }
        log.close()
        // The table as it was before the request_sha256 column.
        let database = try SQLiteDatabase(path: path, mode: .readWrite)
        try database.execute("ALTER TABLE audit_records DROP COLUMN request_sha256")
        #expect(try AuditLog.verify(path: path).recordsChecked == 3)
        #expect(try AuditLog.verify(path: path).isValid)

        let reopened = try AuditLog(path: path, subjectKey: key)
        var signed = event(4)
        signed.requestSHA256 = "tW7Jq1kR0c8vX3zN5bY2pL6mA9dF4gH0sE1uI8oK7yQ"
        _ = try await reopened.append(signed)
        reopened.close()
        let verification = try AuditLog.verify(path: path)
        #expect(verification.isValid)
        #expect(verification.recordsChecked == 4)
        #expect(try AuditLog.allRecords(path: path).map(\.requestSHA256) == [nil, nil, nil, signed.requestSHA256])
    }

    @Test func appendAfterCloseFails() async throws {
        let log = try AuditLog(path: path, subjectKey: key)
        log.close()
        await #expect(throws: AuditError(code: .closed, detail: "")) { try await log.append(event(1)) }
    }

    @Test(arguments: [
        ("UPDATE audit_records SET status = 299 WHERE seq = 5", Int64(5), AuditVerification.Failure.hashMismatch),
        ("DELETE FROM audit_records WHERE seq = 7", Int64(8), .sequenceGap),
        ("UPDATE audit_records SET seq = seq + 1000 WHERE seq = 4", Int64(5), .sequenceGap),
        ("UPDATE audit_records SET prev_hash = '" + String(repeating: "a", count: 64) + "' WHERE seq = 9", Int64(9), .brokenLink),
    ])
    func tamperingIsFoundAtTheFirstBadRecord(sql: String, firstBad: Int64, failure: AuditVerification.Failure) async throws {
        let log = try AuditLog(path: path, subjectKey: key)
        _ = try await fill(log, count: 12)
        log.close()
        let database = try SQLiteDatabase(path: path, mode: .readWrite)
        try database.execute(sql)
        let verification = try AuditLog.verify(path: path)
        #expect(verification.firstBad?.seq == firstBad)
        #expect(verification.firstBad?.failure == failure)
    }

    @Test func reorderedRecordsAreFound() async throws {
        let log = try AuditLog(path: path, subjectKey: key)
        _ = try await fill(log, count: 6)
        log.close()
        // Swap the contents of records 2 and 3 while keeping their sequence numbers.
        let database = try SQLiteDatabase(path: path, mode: .readWrite)
        try database.execute(
            """
            UPDATE audit_records SET seq = -2 WHERE seq = 2;
            UPDATE audit_records SET seq = 2 WHERE seq = 3;
            UPDATE audit_records SET seq = 3 WHERE seq = -2;
            """
        )
        let verification = try AuditLog.verify(path: path)
        #expect(verification.firstBad?.seq == 2)
    }

    @Test func defaultPathFollowsTheDataDirectory() {
        #expect(AuditLog.defaultPath(environment: ["LIENTHONG_DATA_DIR": "/var/lib/lienthong"]) == "/var/lib/lienthong/audit.sqlite")
        #expect(AuditLog.defaultPath(environment: [:]) == ".lienthong/audit.sqlite")
    }
}
