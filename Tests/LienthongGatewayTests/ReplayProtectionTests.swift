import Foundation
import LienthongAudit
import LienthongHTTP
import Testing

/// A caller-chosen request id is accepted once per consumer within the replay window, also across a restart.
@Suite(.serialized)
struct ReplayProtectionTests {
    @Test func repeatedRequestIDIsRejectedAndStaysRejectedAfterRestart() async throws {
        let first = try GatewayProcess()
        let personalID = try #require(try Seeds.rows("population.csv").first?["so_dinh_danh"])
        let requestID = UUID().uuidString.lowercased()
        func lookUp(_ gateway: GatewayProcess) async throws -> HTTPClientResponse {
            try await gateway.get(
                "/v1/records/population/\(personalID)",
                headers: [
                    "Authorization": "Bearer \(try gateway.token("motcua.token"))",
                    "Lienthong-Purpose": "residence-verification", "Lienthong-Request-Id": requestID,
                ],
                client: gateway.client()
            )
        }
        #expect(try await lookUp(first).status == 200)
        let replayed = try await lookUp(first)
        #expect(replayed.status == 409)
        #expect(replayed.problemCode == "replay-detected")
        #expect(!String(decoding: replayed.body, as: UTF8.self).contains(personalID))

        // The replay is audited too, as a failure with its code.
        let records = try AuditLog.allRecords(path: first.auditPath).filter { $0.requestID == requestID }
        #expect(records.map(\.status) == [200, 409])
        #expect(records.last?.problemCode == "replay-detected")
        #expect(records.last?.outcome == .failed)

        #expect(first.stop() == 0)
        let restarted = try GatewayProcess(configDirectory: first.configDirectory, dataDirectory: first.dataDirectory)
        let afterRestart = try await lookUp(restarted)
        #expect(afterRestart.status == 409)
        #expect(afterRestart.problemCode == "replay-detected")
        // A fresh id still works.
        let fresh = try await restarted.get(
            "/v1/records/population/\(personalID)",
            headers: [
                "Authorization": "Bearer \(try restarted.token("motcua.token"))",
                "Lienthong-Purpose": "residence-verification",
                "Lienthong-Request-Id": UUID().uuidString.lowercased(),
            ],
            client: restarted.client()
        )
        #expect(fresh.status == 200)
    }
}
