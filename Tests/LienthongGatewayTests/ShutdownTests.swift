import Foundation
import LienthongAudit
import LienthongTesting
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

    /// Whoever reads the banner may stop the node at once. The signal handlers were only queued for installation
    /// when the banner went out, and a SIGTERM sent in between was ignored: the node ran on and the test waiting
    /// for it hung (about one stop in 30 on a loaded machine). Each round is one chance to hit that window.
    @Test func aSIGTERMSentAsSoonAsTheBannerIsReadStopsTheNode() throws {
        let first = try GatewayProcess()
        #expect(first.stop(within: .seconds(20)) == 0)
        for _ in 0..<20 {
            // The banner's first byte is enough: the signal goes as early as a reader of the banner can send it.
            let node = Process()
            node.executableURL = GatewayProcess.binary
            node.arguments = [
                "serve", "--config", first.configDirectory.path, "--data-dir", first.dataDirectory.path,
                // Every node a test starts needs its own admin port: the demo's fixed one is shared by concurrent runs.
                "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
            ]
            let output = Pipe()
            node.standardOutput = output
            try node.run()
            #expect(!output.fileHandleForReading.availableData.isEmpty)
            node.terminate()
            let exited = Poll.blockingUntil(within: .seconds(20)) { !node.isRunning }
            #expect(exited, "SIGTERM sent after the banner was lost")
            if !exited { node.interrupt() }
            node.waitUntilExit()
            #expect(node.terminationStatus == 0)
        }
    }
}
