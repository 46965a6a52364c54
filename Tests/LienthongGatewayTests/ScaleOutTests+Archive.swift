import Foundation
import LienthongAudit
import LienthongCore
import LienthongGateway
import LienthongNodeStore
import LienthongStorage
import LienthongTesting
import Testing

/// `audit export --month` on PostgreSQL: a signed archive of a past month for every node, then the partition
/// detached, in a real PostgreSQL through the real command.
extension ScaleOutTests {
    /// A node's configuration and data directory on the database `url` (its key signs the archive), with two
    /// chains, `node-a` and `node-b`, written through the audit log: 10 records two months ago, 12 last month and
    /// 3 now each, a checkpoint every 7 (so the oldest month ends on a record without one).
    private func twoChainsOverThreeMonths(_ url: String) async throws -> (config: URL, data: URL, months: [AuditMonth]) {
        let config = try GatewayProcess.demoConfiguration {
            try GatewayProcess.editJSON($0.appendingPathComponent("node.json")) {
                $0["storage"] = ["kind": "postgres", "url": .string(url), "node": "node-a"]
            }
        }
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let configuration = try GatewayConfiguration.load(configDirectory: config, dataDirectory: data)
        var signer = try GatewayNode.offlineCheckpointSigner(configuration)
        signer.everyRecords = 7
        signer.interval = 3600
        let now = try #require(AuditMonth(String(Timestamp.rfc3339(Date()).prefix(7))))
        let last = try #require(AuditMonth(String(Timestamp.rfc3339(now.start - 10 * 86_400).prefix(7))))
        let older = try #require(AuditMonth(String(Timestamp.rfc3339(last.start - 10 * 86_400).prefix(7))))
        for node in ["node-a", "node-b"] {
            let log = try AuditLog(
                storage: try PostgresAuditStorage(conninfo: url, nodeID: node), subjectKey: Array("secret".utf8),
                checkpoints: signer)
            var times: [Date] = (0..<10).map { older.start + Double($0) * 3600 }
            times += (0..<12).map { last.start + Double($0) * 3600 }
            // In `now` even if a UTC month ends while these are written.
            times += (0..<3).map { _ in min(Date(), now.end - 1) }
            for time in times {
                _ = try await log.append(
                    AuditEvent(
                        time: time, requestID: UUID().uuidString, consumer: "VN/GOV/HCM/MOTCUA",
                        provider: "VN/GOV/BCA", service: "VN/GOV/BCA/DANCU/person", purpose: "residence-verification",
                        subjectKey: "001099000001", fields: ["personalId"], outcome: .allowed, status: 200,
                        latencyMicroseconds: 100))
            }
            log.close()
        }
        return (config, data, [older, last, now])
    }

    private func partitionExists(_ url: String, _ month: AuditMonth) throws -> Bool {
        let name = "lienthong.audit_records_" + month.description.replacingOccurrences(of: "-", with: "_")
        return try PostgresConnection(url).query("SELECT to_regclass($1) IS NOT NULL", [name]).rows == [["t"]]
    }

    @Test func pastMonthIsArchivedSignedVerifiedPerNodeThenDetachedOldestFirstNeverTheCurrentOne() async throws {
        let url = try database()
        let (config, data, months) = try await twoChainsOverThreeMonths(url)
        let root = data.appendingPathComponent("pki/root-ca.crt.pem").path
        let archive = data.appendingPathComponent("archive.jsonl").path
        func export(_ month: AuditMonth) throws -> ChildProcess.Output {
            try ChildProcess.run(
                GatewayProcess.binary,
                [
                    "audit", "export", url, "--month", month.description, "--out", archive, "--detach",
                    "--trust-anchor", root, "--config", config.path, "--data-dir", data.path,
                ])
        }
        // The current month is still written; last month is not the oldest left. Once a UTC month end passed, the
        // fixture's current month is over but not the oldest either: the month before and after the export says which.
        func clockMonth() -> AuditMonth? { AuditMonth(String(Timestamp.rfc3339(Date()).prefix(7))) }
        let monthBefore = clockMonth()
        let current = try export(months[2])
        let reasons = Set([monthBefore, clockMonth()]).map { $0 == months[2] ? "not over" : "earlier month" }
        #expect(current.status != 0)
        #expect(reasons.contains { current.stderr.contains($0) }, "\(current.stderr)")
        let notOldest = try export(months[1])
        #expect(notOldest.status != 0)
        #expect(notOldest.stderr.contains("earlier month"), "\(notOldest.stderr)")
        #expect(try partitionExists(url, months[1]) && partitionExists(url, months[2]))

        let oldest = try export(months[0])
        #expect(oldest.status == 0, "\(oldest.stdout)\(oldest.stderr)")
        #expect(oldest.stderr.contains("node-a 10 records to seq 10, node-b 10 records to seq 10"))
        #expect(try !partitionExists(url, months[0]))
        #expect(try partitionExists(url, months[1]))
        // The archive: each chain verifies on its own, its last record under a checkpoint signed at export.
        let verified = try ChildProcess.run(GatewayProcess.binary, ["audit", "verify", archive, "--trust-anchor", root])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.hasPrefix("valid: 2 node chain(s)"))
        #expect(verified.stdout.contains("node node-b:\n  valid\n  records checked: 10 (seq 1-10)"))
        #expect(verified.stdout.contains("checkpoints verified: 2, last at seq 10"))
        #expect(!verified.stdout.contains("unprotected"))
        // The database: every chain verifies from its archived head on.
        let database = try ChildProcess.run(GatewayProcess.binary, ["audit", "verify", url, "--trust-anchor", root])
        #expect(database.status == 0, "\(database.stdout)\(database.stderr)")
        #expect(database.stdout.contains("node node-a:\n  valid\n  records checked: 15 (seq 11-25)"))
        // A node starting without a verified mark checks its chain from the archived head, and serves.
        let reopened = try AuditLog(
            storage: try PostgresAuditStorage(conninfo: url, nodeID: "node-b"), subjectKey: Array("secret".utf8))
        #expect(reopened.unverifiedBreak == nil)
        reopened.close()

        // One record of node-b changed in the archive: its chain fails, node-a's does not.
        var lines = try String(contentsOfFile: archive, encoding: .utf8).split(separator: "\n").map(String.init)
        let index = try #require(lines.lastIndex { $0.contains("\"type\":\"record\"") && $0.contains("node-b") })
        lines[index] = lines[index].replacingOccurrences(of: "\"status\":200", with: "\"status\":404")
        try (lines.joined(separator: "\n") + "\n").write(toFile: archive, atomically: true, encoding: .utf8)
        let tampered = try ChildProcess.run(GatewayProcess.binary, ["audit", "verify", archive, "--trust-anchor", root])
        #expect(tampered.status == 1)
        #expect(tampered.stdout.hasPrefix("invalid: node node-b: audit.hash-mismatch at seq 10"), "\(tampered.stdout)")
    }
}
