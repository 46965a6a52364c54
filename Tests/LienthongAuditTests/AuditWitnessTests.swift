import Foundation
import LienthongAudit
import LienthongStorage
import Testing

/// The witness of the chain's heads outside the data directory, the start check and the operator's seal (#20).
struct AuditWitnessTests {
    let directory = temporaryDirectory()
    var path: String { directory.appendingPathComponent("data/audit.sqlite").path }
    var witnessPath: String { directory.appendingPathComponent("witness/audit-witness.jsonl").path }
    var witness: AuditWitnessFile { AuditWitnessFile(path: witnessPath) }
    var mark: AuditVerifiedMark { AuditVerifiedMark(witnessPath: witnessPath) }
    let key = Array("node-secret-for-tests".utf8)
    let pki: AuditTestPKI

    init() throws {
        pki = try AuditTestPKI()
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
    }

    func open() throws -> AuditLog {
        try AuditLog(
            path: path, subjectKey: key, checkpoints: pki.signer(everyRecords: 5), witness: witness,
            verifiedMark: mark)
    }

    /// Records `range` one at a time with a checkpoint every 5 and on close, each witnessed.
    func write(_ range: ClosedRange<Int>) async throws {
        let log = try open()
        #expect(log.unverifiedBreak == nil)
        for index in range { _ = try await log.append(auditEvent(index)) }
        log.close()
    }

    func execute(_ sql: String) throws {
        try SQLiteDatabase(path: path, mode: .readWrite).execute(sql)
    }

    /// Removes the log's tail together with the checkpoints covering it: undetectable from the log alone.
    func truncateWithCheckpoints(from seq: Int) throws {
        try execute("DELETE FROM audit_records WHERE seq >= \(seq); DELETE FROM audit_checkpoints WHERE seq >= \(seq)")
    }

    func witnessLines() throws -> [Substring] {
        try String(contentsOfFile: witnessPath, encoding: .utf8).split(separator: "\n")
    }

    @Test func everyCheckpointIsWitnessedOnce() async throws {
        try await write(1...12)
        #expect(try witnessLines().count == 3)
        let head = try #require(try witness.latestHead())
        #expect(head == (try AuditLog.checkpoints(path: path).last))
        #expect(head.seq == 12)
        #expect(head.hash == (try AuditLog.allRecords(path: path).last?.hash))
    }

    @Test func verifyAgainstTheWitnessReportsTruncationWithTheCheckpoints() async throws {
        try await write(1...12)
        try truncateWithCheckpoints(from: 8)
        #expect(try AuditLog.verify(path: path, trust: pki.verifier).isValid)
        let result = try AuditLog.verify(path: path, trust: pki.verifier, witness: witness)
        #expect(result.firstBad?.failure == .truncated)
        #expect(result.firstBad?.seq == 8)
        #expect(result.missingRecords == 5)
    }

    @Test(arguments: ["emptied", "deleted"])
    func verifyCommandReportsAnEmptiedOrDeletedLogAsTruncation(how: String) async throws {
        try await write(1...12)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        if how == "emptied" { #expect(FileManager.default.createFile(atPath: path, contents: Data())) }
        let files = try pki.write(to: directory)
        let result = try runLienthong(["audit", "verify", path, "--trust-anchor", files.root, "--witness", witnessPath])
        #expect(result.status == 1)
        #expect(result.output.hasPrefix("invalid: audit.truncated at seq 1"))
    }

    @Test func verifyCommandReportsAReplacedLog() async throws {
        try await write(1...12)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        // Another log of the same length, signed with the node key but not witnessed.
        let log = try AuditLog(path: path, subjectKey: key, checkpoints: pki.signer(everyRecords: 5))
        for index in 101...112 { _ = try await log.append(auditEvent(index)) }
        log.close()
        let files = try pki.write(to: directory)
        #expect(try runLienthong(["audit", "verify", path, "--trust-anchor", files.root]).status == 0)
        let result = try runLienthong(["audit", "verify", path, "--trust-anchor", files.root, "--witness", witnessPath])
        #expect(result.status == 1)
        #expect(result.output.hasPrefix("invalid: audit.replaced at seq 12"))
    }

    @Test func aLogTruncatedWithItsCheckpointsTakesNoRecordAndIsNotSigned() async throws {
        try await write(1...12)
        try truncateWithCheckpoints(from: 8)
        let log = try open()
        #expect(log.unverifiedBreak?.failure == .truncated)
        #expect(log.unverifiedBreak?.seq == 8)
        await #expect(throws: AuditError(code: .unverified, detail: "")) { _ = try await log.append(auditEvent(13)) }
        log.close()
        #expect(try AuditLog.checkpoints(path: path).map(\.seq) == [5])
        #expect(try witnessLines().count == 3)
    }

    @Test func anEmptiedLogTakesNoRecord() async throws {
        try await write(1...12)
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let log = try open()
        #expect(log.unverifiedBreak?.failure == .truncated)
        log.close()
    }

    static let tampering: [(String, Int64, AuditVerification.Failure)] = [
        ("UPDATE audit_records SET status = 299 WHERE seq = 5", 5, .hashMismatch),
        ("DELETE FROM audit_records WHERE seq = 7", 8, .sequenceGap),
        (
            """
            UPDATE audit_records SET seq = -2 WHERE seq = 2; UPDATE audit_records SET seq = 2 WHERE seq = 3;
            UPDATE audit_records SET seq = 3 WHERE seq = -2;
            """, 2, .brokenLink
        ),
    ]

    @Test(arguments: tampering)
    func aTamperedLogWhoseLastCheckpointHoldsTakesNoRecord(
        sql: String, firstBad: Int64, failure: AuditVerification.Failure
    ) async throws {
        try await write(1...12)
        try execute(sql)
        let log = try open()
        #expect(log.unverifiedBreak?.seq == firstBad)
        #expect(log.unverifiedBreak?.failure == failure)
        await #expect(throws: AuditError(code: .unverified, detail: "")) { _ = try await log.append(auditEvent(13)) }
        log.close()
    }

    @Test func startVerifiesFromTheLastVerifiedElement() async throws {
        try await write(1...12)
        try await write(13...15)
        // The second start verified up to 12; what it wrote (13-15) is verified at the next start.
        let verified = try #require(mark.load())
        #expect(verified.seq == 12)
        #expect(verified.hash == (try AuditLog.allRecords(path: path)[11].hash))
        try execute("UPDATE audit_records SET status = 299 WHERE seq = 14")
        let log = try open()
        #expect(log.unverifiedBreak?.seq == 14)
        #expect(log.unverifiedBreak?.failure == .hashMismatch)
        log.close()
        #expect(mark.load()?.seq == 12)
    }

    @Test func aSealRecordsTheBreakAndTheLogContinuesOnANewSegment() async throws {
        try await write(1...12)
        try truncateWithCheckpoints(from: 8)
        let seal = try #require(
            try AuditLog.seal(
                path: path, operatorName: "ops-alice", signer: pki.signer(), witness: witness, mark: mark))
        // Past the witnessed head 12: no sequence number of the lost tail is reused.
        #expect(seal.seq == 13)
        #expect(seal.breakSeq == 8)
        #expect(seal.failure == "audit.truncated")
        #expect(try witness.latestHead()?.hash == seal.hash)

        let log = try open()
        #expect(log.unverifiedBreak == nil)
        let record = try await log.append(auditEvent(13))
        #expect(record.seq == 14)
        #expect(record.prevHash == seal.hash)
        log.close()

        let result = try AuditLog.verify(path: path, trust: pki.verifier, witness: witness)
        #expect(result.isValid)
        #expect(result.sealedBreaks.map(\.seal) == [seal])
        #expect(result.lastSeq == 14)
        let files = try pki.write(to: directory)
        let command = try runLienthong([
            "audit", "verify", path, "--trust-anchor", files.root, "--witness", witnessPath,
        ])
        #expect(command.status == 3)
        #expect(command.output.hasPrefix("sealed: 1 break(s)"))
        #expect(command.output.contains("sealed break: audit.truncated at seq 8, sealed at seq 13 by ops-alice"))
    }

    @Test func aSealedTamperingStaysVisibleAndARemovedSealBreaksTheChain() async throws {
        try await write(1...12)
        try execute("UPDATE audit_records SET status = 299 WHERE seq = 5")
        let seal = try #require(
            try AuditLog.seal(path: path, operatorName: "ops-bob", signer: pki.signer(), witness: witness, mark: mark))
        try await write(13...14)
        let sealed = try AuditLog.verify(path: path, trust: pki.verifier, witness: witness)
        #expect(sealed.isValid)
        #expect(sealed.sealedBreaks.first?.found?.failure == .hashMismatch)
        #expect(sealed.sealedBreaks.first?.found?.seq == 5)

        try execute("DELETE FROM audit_seals")
        #expect(try AuditLog.verify(path: path, trust: pki.verifier).firstBad?.seq == 5)
        try execute("UPDATE audit_records SET status = 403 WHERE seq = 5")
        let removed = try AuditLog.verify(path: path, trust: pki.verifier)
        #expect(removed.firstBad?.failure == .sequenceGap)
        #expect(removed.firstBad?.seq == seal.seq + 1)
    }

    @Test(arguments: [false, true])
    func anExportOfASealedLogVerifiesAsSealed(recordsAfterTheSeal: Bool) async throws {
        try await write(1...12)
        try execute("UPDATE audit_records SET status = 299 WHERE seq = 5; DELETE FROM audit_records WHERE seq > 10")
        let seal = try #require(
            try AuditLog.seal(path: path, operatorName: "ops-bob", signer: pki.signer(), witness: witness, mark: mark))
        if recordsAfterTheSeal { try await write(13...14) }
        var text = ""
        try AuditLog.export(path: path) { text += $0 }
        let exportPath = directory.appendingPathComponent("export.jsonl").path
        try text.write(toFile: exportPath, atomically: true, encoding: .utf8)
        let result = try AuditLog.verify(path: exportPath, trust: pki.verifier, witness: witness)
        #expect(result.isValid)
        #expect(result.sealedBreaks.map(\.seal) == [seal])
        #expect(result.sealedBreaks.first?.found?.seq == 5)
        #expect(result.recordsChecked == (recordsAfterTheSeal ? 12 : 10))
        // The last record that held as a chain: the sealed segment broke after 4.
        #expect(result.lastSeq == (recordsAfterTheSeal ? 15 : 4))
    }

    @Test func aForgedSealIsRejected() async throws {
        try await write(1...12)
        try execute("UPDATE audit_records SET status = 299 WHERE seq = 5")
        _ = try AuditLog.seal(path: path, operatorName: "ops-bob", signer: pki.signer(), witness: witness, mark: mark)
        try execute("UPDATE audit_seals SET break_seq = 9")
        #expect(try AuditLog.verify(path: path, trust: pki.verifier).firstBad?.failure == .sealUnsigned)
    }

    @Test func aLogThatVerifiesHasNothingToSeal() async throws {
        try await write(1...12)
        #expect(
            try AuditLog.seal(path: path, operatorName: "ops", signer: pki.signer(), witness: witness, mark: mark)
                == nil)
        #expect(try AuditLog.checkpoints(path: path).map(\.seq) == [5, 10, 12])
    }

    @Test func aPartialLastWitnessLineIsSkipped() async throws {
        try await write(1...12)
        let handle = try #require(FileHandle(forWritingAtPath: witnessPath))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("{\"type\":\"checkpoint\",\"seq\":99".utf8))
        try handle.close()
        #expect(try witness.latestHead()?.seq == 12)
    }

    @Test func theDefaultWitnessIsBesideTheDataDirectory() {
        #expect(
            AuditWitnessFile.defaultPath(dataDirectory: URL(fileURLWithPath: "/var/lib/lienthong"))
                == "/var/lib/lienthong.witness/audit-witness.jsonl")
    }
}
