import Foundation
import LienthongAudit
import Testing

/// Graceful shutdown does not depend on anyone reading the node's output.
@Suite(.serialized)
struct ShutdownTests {
    /// The terminal or log pipe went away: SIGTERM still ends in exit status 0 with the audit log flushed, where
    /// the node used to trap on `EPIPE` while printing "shutting down".
    @Test func closedStandardOutputDoesNotBreakShutdown() async throws {
        let gateway = try GatewayProcess(drainOutput: false)
        defer { gateway.stop() }
        let token = try gateway.token("motcua.token")
        let requestID = UUID().uuidString.lowercased()
        let response = try await gateway.get(
            "/v1/records/population/096089760382",
            headers: [
                "Authorization": "Bearer \(token)", "Lienthong-Purpose": "residence-verification",
                "Lienthong-Request-Id": requestID,
            ],
            client: gateway.client()
        )
        #expect(response.status == 200)
        try gateway.output.fileHandleForReading.close()
        #expect(gateway.stop() == 0)
        #expect(gateway.process.terminationReason == .exit)
        #expect(try AuditLog.allRecords(path: gateway.auditPath).contains { $0.requestID == requestID })
        #expect(try AuditLog.verify(path: gateway.auditPath).isValid)
    }
}
