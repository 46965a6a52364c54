import Foundation
import LienthongHTTP
import LienthongStorage
import LienthongTesting
import Testing

/// `audit seal` on PostgreSQL: one node's chain broken, that node refused until an operator seals it, the other
/// nodes serving throughout.
extension ScaleOutTests {
    private func lookUp(_ node: GatewayProcess) async throws -> HTTPClientResponse {
        let personalID = try #require(try Seeds.rows("population.csv").first?["so_dinh_danh"])
        return try await node.get(
            "/v1/records/population/\(personalID)",
            headers: [
                "Authorization": "Bearer \(try node.token("motcua.token"))",
                "Lienthong-Purpose": "residence-verification",
            ], client: node.client())
    }

    @Test func aTruncatedNodeChainStopsThatNodeUntilSealedAndTheOtherNodeServesThroughout() async throws {
        let url = try database()
        let nodes = try GatewayProcess.cluster(2, postgresURL: url)
        for node in nodes { #expect(try await lookUp(node).status == 200) }
        let (a, b) = (nodes[0], nodes[1])
        let environment = ["LIENTHONG_NODE_ID": "node-a"]
        func seal() throws -> ChildProcess.Output {
            try ChildProcess.run(
                GatewayProcess.binary,
                [
                    "audit", "seal", "--operator", "ops-test", "--config", a.configDirectory.path, "--data-dir",
                    a.dataDirectory.path,
                ], environment: environment)
        }
        #expect(try seal().status != 0, "a running node's chain was sealed")
        #expect(a.stop() == 0)
        // node-a's records and checkpoints go: its chain alone still verifies, its witness says it was longer.
        try PostgresConnection(url).execute(
            """
            DELETE FROM lienthong.audit_records WHERE node_id = 'node-a';
            DELETE FROM lienthong.audit_checkpoints WHERE node_id = 'node-a'
            """)
        let broken = try GatewayProcess(
            configDirectory: a.configDirectory, dataDirectory: a.dataDirectory, environment: environment)
        #expect(try await lookUp(broken).problemCode == "audit-unavailable")
        #expect(try await lookUp(b).status == 200)
        #expect(broken.stop() == 0)

        let sealed = try seal()
        #expect(sealed.status == 0, "\(sealed.stdout)\(sealed.stderr)")
        #expect(sealed.stdout.hasPrefix("sealed: audit.truncated at seq 1"), "\(sealed.stdout)")
        let resumed = try GatewayProcess(
            configDirectory: a.configDirectory, dataDirectory: a.dataDirectory, environment: environment)
        #expect(try await lookUp(resumed).status == 200)
        #expect(resumed.stop() == 0)
        #expect(b.stop() == 0)
        // The break stays visible, on node-a's chain only.
        let verify = try ChildProcess.run(GatewayProcess.binary, ["audit", "verify", url, "--trust-anchor", a.rootCA])
        #expect(verify.status == 3, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("node node-a:\n  sealed: 1 break(s)"), "\(verify.stdout)")
        #expect(verify.stdout.contains("node node-b:\n  valid"))
    }
}
