import Foundation
import LienthongAudit
import LienthongStorage
import LienthongTrust
import Testing
import LienthongCore

struct AuditCheckpointTests {
    let directory = temporaryDirectory()
    var path: String { directory.appendingPathComponent("audit.sqlite").path }
    let key = Array("node-secret-for-tests".utf8)
    let pki: AuditTestPKI

    init() throws { pki = try AuditTestPKI() }

    /// 12 records appended one at a time with a checkpoint every 5: checkpoints at 5, 10 and (on close) 12.
    func writeTwelve() async throws {
        let log = try AuditLog(path: path, subjectKey: key, checkpoints: pki.signer(everyRecords: 5))
        for index in 1...12 { _ = try await log.append(auditEvent(index)) }
        log.close()
    }

    func execute(_ sql: String) throws {
        try SQLiteDatabase(path: path, mode: .readWrite).execute(sql)
    }

    @Test func checkpointsAreWrittenEveryNRecordsAndOnClose() async throws {
        try await writeTwelve()
        let checkpoints = try AuditLog.checkpoints(path: path)
        #expect(checkpoints.map(\.seq) == [5, 10, 12])
        let records = try AuditLog.allRecords(path: path)
        for checkpoint in checkpoints {
            #expect(checkpoint.hash == records[Int(checkpoint.seq) - 1].hash)
            #expect(checkpoint.node == AuditTestPKI.node)
            let signed = try checkpoint.verify(trust: pki.verifier)
            #expect(signed.member == AuditTestPKI.node)
        }
        let result = try AuditLog.verify(path: path, trust: pki.verifier)
        #expect(result.isValid)
        #expect(result.signaturesVerified)
        #expect(result.checkpointsChecked == 3)
        #expect(result.lastCheckpointSeq == 12)
        #expect(result.unprotectedRecords == 0)
    }

    @Test func aBatchAndItsCheckpointShareOneTransaction() async throws {
        // 40 concurrent appends with a checkpoint due every 3: every checkpoint lands on the last record of a
        // batch, never inside one, and the count rule fires per batch.
        let log = try AuditLog(path: path, subjectKey: key, checkpoints: pki.signer(everyRecords: 3))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 1...40 { group.addTask { _ = try await log.append(auditEvent(index)) } }
            try await group.waitForAll()
        }
        let before = try AuditLog.checkpoints(path: path)
        log.close()
        let seqs = before.map(\.seq)
        #expect(seqs == seqs.sorted())
        #expect(zip(seqs, seqs.dropFirst()).allSatisfy { $1 - $0 >= 3 })
        #expect(try AuditLog.checkpoints(path: path).last?.seq == 40)
        #expect(try AuditLog.verify(path: path, trust: pki.verifier).isValid)
    }

    @Test func intervalRuleUsesTheInjectedClock() async throws {
        let clock = ManualClock(Date(timeIntervalSince1970: 1_795_000_000))
        let signer = try pki.signer(everyRecords: 1000, interval: 60, now: { clock.now })
        let log = try AuditLog(path: path, subjectKey: key, checkpoints: signer)
        _ = try await log.append(auditEvent(1))
        clock.advance(by: 30)
        _ = try await log.append(auditEvent(2))
        #expect(try AuditLog.checkpoints(path: path).isEmpty)
        clock.advance(by: 31)
        _ = try await log.append(auditEvent(3))
        let checkpoints = try AuditLog.checkpoints(path: path)
        #expect(checkpoints.map(\.seq) == [3])
        #expect(checkpoints.first?.time == Timestamp.rfc3339(clock.now, milliseconds: true))
        log.close()
    }

    @Test func reopeningContinuesTheScheduleAndRefusesATruncatedLog() async throws {
        try await writeTwelve()
        let log = try AuditLog(path: path, subjectKey: key, checkpoints: pki.signer(everyRecords: 5))
        for index in 13...17 { _ = try await log.append(auditEvent(index)) }
        log.close()
        #expect(try AuditLog.checkpoints(path: path).map(\.seq) == [5, 10, 12, 17])
        try execute("DELETE FROM audit_records WHERE seq > 15")
        let reopened = try AuditLog(path: path, subjectKey: key, checkpoints: pki.signer(everyRecords: 5))
        #expect(reopened.unverifiedBreak?.failure == .truncated)
        await #expect(throws: AuditError(code: .unverified, detail: "")) {
            _ = try await reopened.append(auditEvent(18))
        }
        reopened.close()
        // Nothing signed over the unverified log, not even on close.
        #expect(try AuditLog.checkpoints(path: path).map(\.seq) == [5, 10, 12, 17])
    }

    struct Tamper: Sendable, CustomStringConvertible {
        var description: String
        var sql: String
        var firstBad: Int64
        var failure: AuditVerification.Failure
    }

    static let copyAfterSeq = """
        recorded_at, request_id, consumer, provider, service, purpose, subject_hmac, fields, outcome, status, \
        problem_code, latency_us, message_sha256, prev_hash, hash, request_sha256, document_sha256
        """

    static let tampering: [Tamper] = [
        Tamper(
            description: "modified record", sql: "UPDATE audit_records SET status = 200 WHERE seq = 5", firstBad: 5,
            failure: .hashMismatch),
        Tamper(
            description: "deleted record", sql: "DELETE FROM audit_records WHERE seq = 7", firstBad: 8,
            failure: .sequenceGap),
        // Record 8 moves to the end and a copy with another request id takes its place.
        Tamper(
            description: "inserted record",
            sql: """
                UPDATE audit_records SET seq = 1008 WHERE seq = 8;
                INSERT INTO audit_records SELECT 8, \(copyAfterSeq) FROM audit_records WHERE seq = 1008;
                UPDATE audit_records SET request_id = 'req-forged' WHERE seq = 8;
                """,
            firstBad: 8, failure: .hashMismatch),
        Tamper(
            description: "record appended without a valid link",
            sql: "INSERT INTO audit_records SELECT 13, \(copyAfterSeq) FROM audit_records WHERE seq = 12",
            firstBad: 13, failure: .brokenLink),
        Tamper(
            description: "reordered records",
            sql: """
                UPDATE audit_records SET seq = -2 WHERE seq = 2; UPDATE audit_records SET seq = 2 WHERE seq = 3;
                UPDATE audit_records SET seq = 3 WHERE seq = -2;
                """,
            firstBad: 2, failure: .brokenLink),
        // Records 10-12 gone; checkpoints 10 and 12 remain.
        Tamper(
            description: "truncated after the last checkpoint", sql: "DELETE FROM audit_records WHERE seq >= 10",
            firstBad: 10, failure: .truncated),
        Tamper(
            description: "checkpoint hash changed",
            sql: "UPDATE audit_checkpoints SET hash = (SELECT hash FROM audit_records WHERE seq = 9) WHERE seq = 10",
            firstBad: 10, failure: .checkpointSignature),
        Tamper(
            description: "checkpoint moved", sql: "UPDATE audit_checkpoints SET seq = 6 WHERE seq = 5", firstBad: 6,
            failure: .checkpointSignature),
    ]

    @Test(arguments: tampering)
    func tamperingIsReportedWithCodeAndFirstBadSeq(tamper: Tamper) async throws {
        try await writeTwelve()
        try execute(tamper.sql)
        let result = try AuditLog.verify(path: path, trust: pki.verifier)
        #expect(result.firstBad?.seq == tamper.firstBad)
        #expect(result.firstBad?.failure == tamper.failure)
    }

    @Test func truncationReportsMissingAndUnprotectedRecords() async throws {
        try await writeTwelve()
        try execute("DELETE FROM audit_records WHERE seq >= 10")
        let result = try AuditLog.verify(path: path, trust: pki.verifier)
        #expect(result.firstBad?.failure == .truncated)
        #expect(result.missingRecords == 3)
        #expect(result.lastCheckpointSeq == 5)
        #expect(result.unprotectedRecords == 4)
    }

    @Test func removingTrailingCheckpointsToo() async throws {
        // Without an outside copy of the newest checkpoint, removing it with the records it covers cannot be
        // proven: the result is valid but says which records nothing signed vouches for.
        try await writeTwelve()
        try execute("DELETE FROM audit_records WHERE seq >= 8; DELETE FROM audit_checkpoints WHERE seq >= 8")
        let result = try AuditLog.verify(path: path, trust: pki.verifier)
        #expect(result.isValid)
        #expect(result.lastCheckpointSeq == 5)
        #expect(result.unprotectedRecords == 2)
    }

    @Test func rewrittenAndRehashedChainIsCaughtByTheCheckpoint() async throws {
        try await writeTwelve()
        // Rewrite record 3 and recompute every hash after it: the chain alone holds, the checkpoint at 5 does not.
        var records = try AuditLog.allRecords(path: path)
        records[2].status = 500
        for index in 2..<records.count {
            if index > 2 { records[index].prevHash = records[index - 1].hash }
            records[index].hash = AuditChain.hash(of: records[index])
        }
        let database = try SQLiteDatabase(path: path, mode: .readWrite)
        for record in records[2...] {
            _ = try database.query(
                "UPDATE audit_records SET status = ?1, prev_hash = ?2, hash = ?3 WHERE seq = ?4",
                [.integer(Int64(record.status)), .text(record.prevHash), .text(record.hash), .integer(record.seq)])
        }
        #expect(AuditVerification.check(try AuditLog.allRecords(path: path)).isValid)
        let result = try AuditLog.verify(path: path, trust: pki.verifier)
        #expect(result.firstBad?.seq == 5)
        #expect(result.firstBad?.failure == .checkpointMismatch)
    }

    @Test func forgedCheckpointSignatureIsRejected() async throws {
        try await writeTwelve()
        // A checkpoint over the right head, signed by a key whose certificate chains to a root we do not trust.
        let forger = try AuditTestPKI(name: "Forger")
        let records = try AuditLog.allRecords(path: path)
        let forged = try AuditCheckpoint.sign(
            seq: 10, hash: records[9].hash, at: Date(), node: AuditTestPKI.node, key: forger.key,
            chain: forger.chain, algorithm: .es256)
        _ = try SQLiteDatabase(path: path, mode: .readWrite).query(
            "UPDATE audit_checkpoints SET protected = ?1, signature = ?2 WHERE seq = 10",
            [.text(forged.signature.protected), .text(forged.signature.signature)])
        let result = try AuditLog.verify(path: path, trust: pki.verifier)
        #expect(result.firstBad?.seq == 10)
        #expect(result.firstBad?.failure == .checkpointSignature)
        #expect(result.firstBad?.detail.contains("trust.") == true)
        // The same log checked against the forger's root fails at the first genuine checkpoint instead.
        #expect(try AuditLog.verify(path: path, trust: forger.verifier).firstBad?.seq == 5)
    }

    @Test func checkpointNamingAnotherNodeIsRejected() async throws {
        let log = try AuditLog(
            path: path, subjectKey: key,
            checkpoints: AuditCheckpointSigner(key: pki.key, chain: pki.chain, node: "VN/GOV/BTC", everyRecords: 2))
        for index in 1...2 { _ = try await log.append(auditEvent(index)) }
        log.close()
        let result = try AuditLog.verify(path: path, trust: pki.verifier)
        #expect(result.firstBad?.failure == .checkpointSignature)
        #expect(result.firstBad?.seq == 2)
    }

    @Test func signerWithAForeignKeyFailsAtStart() throws {
        let other = try SigningKey.generate()
        #expect(throws: AuditError(code: .checkpoint, detail: "")) {
            _ = try AuditCheckpointSigner(key: other, chain: pki.chain)
        }
    }

    @Test func accessesListAllowedExchangesOnly() async throws {
        let log = try AuditLog(path: path, subjectKey: key)
        _ = try await log.append(auditEvent(1, outcome: .allowed))
        _ = try await log.append(auditEvent(2, outcome: .denied))
        _ = try await log.append(auditEvent(3, subject: "001190000002", outcome: .allowed))
        _ = try await log.append(auditEvent(4, outcome: .failed))
        _ = try await log.append(auditEvent(6, outcome: .allowed))
        let accesses = try log.accesses(subjectKey: "079085000001")
        log.close()
        #expect(accesses.map(\.time) == [1, 6].map { Timestamp.rfc3339(Date(timeIntervalSince1970: 1_795_000_000 + $0), milliseconds: true) })
        #expect(accesses.first?.consumer == "VN/GOV/HCM/MOTCUA")
        #expect(accesses.first?.service == "VN/GOV/BCA/DANCU/person")
        #expect(accesses.first?.purpose == "residence-verification")
        #expect(accesses.first?.fields == ["fullName", "personalId"])
        #expect(accesses.first?.json["consumer"] == .string("VN/GOV/HCM/MOTCUA"))
    }
}
