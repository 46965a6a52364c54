import Foundation
import LienthongAudit
import LienthongJSON
import Testing

struct AuditExportTests {
    let directory = temporaryDirectory()
    var path: String { directory.appendingPathComponent("audit.sqlite").path }
    var exportPath: String { directory.appendingPathComponent("audit.jsonl").path }
    let pki: AuditTestPKI
    let base = Date(timeIntervalSince1970: 1_795_000_000)

    init() throws { pki = try AuditTestPKI() }

    /// 20 records one second apart, checkpoints at 5, 10, 15, 20.
    func writeTwenty() async throws {
        let log = try AuditLog(
            path: path, subjectKey: Array("k".utf8), checkpoints: pki.signer(everyRecords: 5))
        for index in 1...20 { _ = try await log.append(auditEvent(index, time: base + Double(index))) }
        log.close()
    }

    func export(from: Date? = nil, to: Date? = nil) throws -> [String] {
        var text = ""
        try AuditLog.export(path: path, from: from, to: to) { text += $0 }
        try text.write(toFile: exportPath, atomically: true, encoding: .utf8)
        return text.split(separator: "\n").map(String.init)
    }

    func rewrite(_ lines: [String]) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: exportPath, atomically: true, encoding: .utf8)
    }

    @Test func fullExportInterleavesCheckpointsAndVerifies() async throws {
        try await writeTwenty()
        let lines = try export()
        let types = try lines.map { try JSONValue.parse($0)["type"]?.stringValue ?? "" }
        #expect(types.count == 24)
        #expect(types[4] == "record" && types[5] == "checkpoint")
        #expect(try JSONValue.parse(lines[5])["seq"] == 5)
        let result = try AuditLog.verify(path: exportPath, trust: pki.verifier)
        #expect(result.isValid)
        #expect(!result.startedMidChain)
        #expect(result.recordsChecked == 20)
        #expect(result.checkpointsChecked == 4)
        #expect(result.unprotectedRecords == 0)
    }

    @Test func rangeExportVerifiesFromItsFirstPrevHash() async throws {
        try await writeTwenty()
        // Records 7 to 12 (times base+7 … base+12), checkpoints 10 only.
        let lines = try export(from: base + 7, to: base + 13)
        let records = try lines.map { try AuditExport.item(line: Array($0.utf8)) }
        let seqs: [Int64] = records.compactMap { if case .record(let r) = $0 { r.seq } else { nil } }
        #expect(seqs == Array(7...12))
        let result = try AuditLog.verify(path: exportPath, trust: pki.verifier)
        #expect(result.isValid)
        #expect(result.startedMidChain)
        #expect(result.firstSeq == 7)
        #expect(result.anchorHash == (try AuditLog.allRecords(path: path))[5].hash)
        #expect(result.checkpointsChecked == 1)
        #expect(result.unprotectedRecords == 2)
    }

    @Test func tamperedExportLinesAreFound() async throws {
        try await writeTwenty()
        var lines = try export()
        // Line 3 is record 3: change its status.
        lines[2] = lines[2].replacingOccurrences(of: "\"status\":200", with: "\"status\":201")
        try rewrite(lines)
        var result = try AuditLog.verify(path: exportPath, trust: pki.verifier)
        #expect(result.firstBad?.seq == 3)
        #expect(result.firstBad?.failure == .hashMismatch)

        lines = try export()
        lines.remove(at: 7)  // record 7 (lines: 1-5, cp5, 6, 7…)
        try rewrite(lines)
        result = try AuditLog.verify(path: exportPath, trust: pki.verifier)
        #expect(result.firstBad?.seq == 8)
        #expect(result.firstBad?.failure == .sequenceGap)

        lines = try export()
        lines.swapAt(6, 7)  // records 6 and 7
        try rewrite(lines)
        result = try AuditLog.verify(path: exportPath, trust: pki.verifier)
        #expect(result.firstBad?.seq == 7)
        #expect(result.firstBad?.failure == .sequenceGap)
    }

    @Test func exportTruncatedBeforeACheckpointLine() async throws {
        try await writeTwenty()
        var lines = try export()
        // Drop records 19 and 20 but keep the final checkpoint line.
        let last = lines.removeLast()
        lines.removeLast(2)
        lines.append(last)
        try rewrite(lines)
        let result = try AuditLog.verify(path: exportPath, trust: pki.verifier)
        #expect(result.firstBad?.failure == .truncated)
        #expect(result.firstBad?.seq == 19)
        #expect(result.missingRecords == 2)
    }

    @Test func unknownMembersAndLinesAreRejected() async throws {
        try await writeTwenty()
        var lines = try export()
        lines[0] = lines[0].replacingOccurrences(of: "{", with: "{\"extra\":1,")
        try rewrite(lines)
        #expect(throws: AuditError(code: .corrupt, detail: "")) {
            _ = try AuditLog.verify(path: exportPath, trust: pki.verifier)
        }
    }

    @Test func recordRoundTripsThroughItsExportLine() async throws {
        try await writeTwenty()
        for record in try AuditLog.allRecords(path: path) {
            let line = AuditExport.line(record.exportLine)
            #expect(try AuditExport.item(line: Array(line.utf8)) == .record(record))
        }
        for checkpoint in try AuditLog.checkpoints(path: path) {
            #expect(try AuditCheckpoint(json: checkpoint.json) == checkpoint)
        }
    }
}
