import Foundation
import LienthongAudit
import LienthongStorage
import Testing

/// Runs the executables: the crash-durability test (`lienthong-bench audit-stress`) and the CLI's exit codes.
struct AuditCrashTests {
    let directory = temporaryDirectory()
    var path: String { directory.appendingPathComponent("audit.sqlite").path }

    /// A child appends with 8 concurrent writers and prints each seq once `append` returned; it is killed with
    /// SIGKILL mid-run. Every printed seq must be in the reopened log, and the log must verify.
    @Test func everyAcknowledgedRecordSurvivesKillNine() async throws {
        let pki = try AuditTestPKI()
        let files = try pki.write(to: directory)
        let process = Process()
        process.executableURL = try lienthongExecutable("lienthong-bench")
        process.arguments = [
            "audit-stress", path, "1000000", "--key", files.key, "--cert", files.cert, "--every", "50",
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()

        // Read acknowledgements until enough have arrived, then kill without warning.
        let killAfter = 2000
        var acknowledged: [Int64] = []
        var partial = Data()
        let reader = pipe.fileHandleForReading
        var killed = false
        while true {
            let chunk = reader.availableData
            if chunk.isEmpty { break }  // EOF: the child is gone
            partial.append(chunk)
            while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: partial[partial.startIndex..<newline], as: UTF8.self)
                partial.removeSubrange(partial.startIndex...newline)
                if let seq = Int64(line) { acknowledged.append(seq) }
            }
            if !killed, acknowledged.count >= killAfter {
                kill(process.processIdentifier, SIGKILL)
                killed = true
            }
        }
        process.waitUntilExit()
        #expect(killed)
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == SIGKILL)

        // Reopening recovers the WAL; the writer then closes with a checkpoint of the recovered head.
        let log = try AuditLog(path: path, subjectKey: Array("k".utf8))
        log.close()
        let records = try AuditLog.allRecords(path: path)
        let present = Set(records.map(\.seq))
        let missing = acknowledged.filter { !present.contains($0) }
        #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(10))")
        #expect(Set(acknowledged).count == acknowledged.count)
        #expect(records.count >= acknowledged.count)
        let result = try AuditLog.verify(path: path, trust: pki.verifier)
        #expect(result.isValid, "\(String(describing: result.firstBad))")
        #expect(result.recordsChecked == records.count)
        #expect(result.checkpointsChecked >= 1)
        print(
            "crash test: \(acknowledged.count) acknowledged, \(records.count) present after kill -9, "
                + "\(result.checkpointsChecked) checkpoints, \(result.unprotectedRecords) unprotected")
    }

    @Test func verifyCommandExitCodes() async throws {
        let pki = try AuditTestPKI()
        let files = try pki.write(to: directory)
        let log = try AuditLog(path: path, subjectKey: Array("k".utf8), checkpoints: pki.signer(everyRecords: 4))
        for index in 1...10 { _ = try await log.append(auditEvent(index)) }
        log.close()

        let valid = try runLienthong(["audit", "verify", path, "--trust-anchor", files.root])
        #expect(valid.status == 0)
        #expect(valid.output.hasPrefix("valid"))
        #expect(valid.output.contains("checkpoints verified: 3"))

        let exportPath = directory.appendingPathComponent("range.jsonl").path
        let exported = try runLienthong([
            "audit", "export", path, "--from", "2026-11-18T11:06:44Z", "--to", "2026-11-18T11:06:48Z", "--out",
            exportPath,
        ])
        #expect(exported.status == 0)
        let range = try runLienthong(["audit", "verify", exportPath, "--trust-anchor", files.root])
        #expect(range.status == 0)
        #expect(range.output.contains("started mid-chain at seq 4"))

        try SQLiteDatabase(path: path, mode: .readWrite).execute("UPDATE audit_records SET status = 500 WHERE seq = 6")
        let invalid = try runLienthong(["audit", "verify", path, "--trust-anchor", files.root])
        #expect(invalid.status == 1)
        #expect(invalid.output.hasPrefix("invalid: audit.hash-mismatch at seq 6"))

        #expect(try runLienthong(["audit", "verify", path]).status == 2)
        #expect(try runLienthong(["report", "--month", "2026-13", "--db", path]).status == 2)
        let report = try runLienthong(["report", "--month", "2026-11", "--db", path, "--format", "csv"])
        #expect(report.status == 0)
        #expect(report.output.contains("outcome,all,10,8,2,0"))
    }
}
