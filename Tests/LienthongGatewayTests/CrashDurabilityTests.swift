import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongTrust
import Testing

/// kill -9 the gateway under load: every request whose response a client received has its audit record after
/// a restart, and the chain still verifies.
@Suite(.serialized)
struct CrashDurabilityTests {
    /// Request ids the clients saw answered with 200.
    actor Acknowledged {
        var ids: [String] = []
        /// Adds `id`; returns how many ids there are now.
        func add(_ id: String) -> Int {
            ids.append(id)
            return ids.count
        }
    }

    @Test func everyAnsweredRequestIsAuditedAfterKill9() async throws {
        let gateway = try GatewayProcess()
        let token = try gateway.token("motcua.token")
        let people = try Seeds.rows("population.csv").compactMap { $0["so_dinh_danh"] }
        let acknowledged = Acknowledged()
        let client = gateway.client()
        let clients = 16
        let killAfter = 400

        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<clients {
                group.addTask {
                    var index = worker
                    // Each client stops at its first failure: the one the kill causes.
                    while true {
                        let requestID = UUID().uuidString.lowercased()
                        guard
                            let response = try? await gateway.get(
                                "/v1/records/population/\(people[index % people.count])",
                                headers: [
                                    "Authorization": "Bearer \(token)", "Lienthong-Purpose": "residence-verification",
                                    "Lienthong-Request-Id": requestID,
                                ],
                                client: client
                            ), response.status == 200
                        else { return }
                        // The kill comes from the answer that reaches the threshold: no task waits for it.
                        if await acknowledged.add(requestID) == killAfter { kill(gateway.process.processIdentifier, SIGKILL) }
                        index += clients
                    }
                }
            }
        }
        // Every client failed before the threshold: stop the gateway anyway; the count below reports it.
        if await acknowledged.ids.count < killAfter { kill(gateway.process.processIdentifier, SIGKILL) }
        gateway.process.waitUntilExit()
        #expect(gateway.process.terminationReason == .uncaughtSignal)

        // Restart on the same data directory: the log reopens and continues.
        let restarted = try GatewayProcess(configDirectory: gateway.configDirectory, dataDirectory: gateway.dataDirectory)
        defer { restarted.stop() }
        let health = try await restarted.get("/healthz", client: restarted.client())
        #expect(health.status == 200)

        let answered = await acknowledged.ids
        let audited = Set(try AuditLog.allRecords(path: restarted.auditPath).map(\.requestID))
        let missing = answered.filter { !audited.contains($0) }
        #expect(answered.count >= killAfter)
        #expect(missing.isEmpty, "\(missing.count) answered requests have no audit record")
        let trust = CertificateVerifier(
            trustStore: try TrustStore.load(anchorFiles: [URL(fileURLWithPath: restarted.rootCA)])
        )
        let verification = try AuditLog.verify(path: restarted.auditPath, trust: trust)
        #expect(verification.isValid)
        print("crash test: \(answered.count) answered before kill -9, \(audited.count) audit records after restart, "
            + "chain valid: \(verification.isValid), checkpoints: \(verification.checkpointsChecked)")
    }
}
