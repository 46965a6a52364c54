import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongStorage
import LienthongTesting
import LienthongTrust
import Testing

/// A node restarted on a truncated audit log serves no exchange until an operator seals the break (#20).
@Suite(.serialized)
struct AuditIntegrityTests {
    func lookUp(_ gateway: GatewayProcess) async throws -> HTTPClientResponse {
        let personalID = try #require(try Seeds.rows("population.csv").first?["so_dinh_danh"])
        return try await gateway.get(
            "/v1/records/population/\(personalID)",
            headers: [
                "Authorization": "Bearer \(try gateway.token("motcua.token"))",
                "Lienthong-Purpose": "residence-verification",
            ],
            client: gateway.client()
        )
    }

    @Test func aTruncatedLogStopsExchangesUntilSealed() async throws {
        let first = try GatewayProcess()
        #expect(try await lookUp(first).status == 200)
        #expect(first.stop() == 0)
        // The last records go together with the checkpoint covering them: the log alone still verifies.
        try SQLiteDatabase(path: first.auditPath, mode: .readWrite).execute(
            "DELETE FROM audit_records; DELETE FROM audit_checkpoints")
        #expect(try AuditLog.verify(path: first.auditPath).isValid)

        let broken = try GatewayProcess(configDirectory: first.configDirectory, dataDirectory: first.dataDirectory)
        let refused = try await lookUp(broken)
        #expect(refused.status == 503)
        #expect(refused.headers["Content-Type"] == "application/problem+json")
        #expect(refused.problemCode == "audit-unavailable")
        // Documents too: reading an inbox is an exchange the log records.
        let inbox = try await broken.get(
            "/v1/inbox", headers: ["Authorization": "Bearer \(try broken.token("motcua.token"))"],
            client: broken.client())
        #expect(inbox.status == 503)
        #expect(inbox.problemCode == "audit-unavailable")
        #expect(try await broken.get("/readyz", client: broken.client()).json == ["status": "not-ready"])
        let ready = try await broken.admin("/readyz", client: broken.client())
        #expect(ready.status == 503)
        let detail = ready.json["components"]?["audit"]?["detail"]?.stringValue
        #expect(detail?.hasPrefix("unverified: audit.truncated at seq 1") == true)
        #expect(broken.stop() == 0)
        #expect(try AuditLog.checkpoints(path: first.auditPath).isEmpty)

        let sealed = try ChildProcess.run(
            GatewayProcess.binary,
            [
                "audit", "seal", "--operator", "ops-test", "--config", first.configDirectory.path, "--data-dir",
                first.dataDirectory.path,
            ])
        #expect(sealed.status == 0)
        #expect(sealed.stdout.hasPrefix("sealed: audit.truncated at seq 1"))

        let resumed = try GatewayProcess(configDirectory: first.configDirectory, dataDirectory: first.dataDirectory)
        #expect(try await lookUp(resumed).status == 200)
        #expect(resumed.stop() == 0)
        let trust = CertificateVerifier(
            trustStore: try TrustStore.load(anchorFiles: [URL(fileURLWithPath: first.rootCA)]))
        let witness = AuditWitnessFile(path: first.dataDirectory.path + ".witness/audit-witness.jsonl")
        let verification = try AuditLog.verify(path: first.auditPath, trust: trust, witness: witness)
        #expect(verification.isValid)
        #expect(verification.sealedBreaks.map(\.seal.operatorName) == ["ops-test"])
    }
}
