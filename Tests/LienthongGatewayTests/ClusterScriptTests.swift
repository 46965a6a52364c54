import Foundation
import LienthongHTTP
import LienthongJSON
import LienthongStorage
import LienthongTesting
import Testing

/// `scripts/cluster`: a real PostgreSQL, three real nodes and a real HAProxy on loopback.
@Suite(.serialized)
struct ClusterScriptTests {
    @Test func printedCurlCommandsWorkThroughHAProxyAndCtrlCStopsEverything() throws {
        let cluster = try ClusterScript()
        let commands = cluster.banner.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("curl ") }
        #expect(commands.count == 2)
        for command in commands {
            #expect(command.contains(cluster.baseURL))
            for _ in 0..<3 {
                let output = try ChildProcess.run(URL(fileURLWithPath: "/bin/bash"), ["-c", "\(command) -sS"])
                #expect(output.status == 0, "\(output.stderr)")
                #expect(try JSONValue.parse(Array(output.stdout.utf8))["message"]?["type"] == "record")
            }
        }
        let verify = try #require(
            cluster.banner.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.contains(" audit verify ") })
        let verified = try ChildProcess.run(URL(fileURLWithPath: "/bin/bash"), ["-c", verify])
        #expect(verified.stdout.hasPrefix("valid: 3 node chain(s)"), "\(verified.stdout)\(verified.stderr)")

        let parts = try ["node-a", "node-b", "node-c", "haproxy"].map { try cluster.pid($0) }
        #expect(cluster.interrupt())
        #expect(cluster.process.terminationStatus == 130)
        for pid in parts { #expect(kill(pid, 0) != 0, "process \(pid) still runs after Ctrl-C") }
        #expect(throws: (any Error).self) { try PostgresConnection(cluster.postgresURL, connectTimeout: .seconds(2)) }
    }

    /// One client: lookups through HAProxy, one new connection each, until `deadline`.
    private static func client(
        _ cluster: ClusterScript, token: String, personalID: String, until deadline: ContinuousClock.Instant
    ) async -> (answered: [String], failures: [String]) {
        let client = HTTPClient(tls: TLSClientConfiguration(caFilePath: cluster.rootCA))
        var answered: [String] = []
        var failures: [String] = []
        while ContinuousClock.now < deadline {
            let requestID = UUID().uuidString.lowercased()
            var headers = HTTPHeaders()
            headers.add(name: "Authorization", value: "Bearer \(token)")
            headers.add(name: "Lienthong-Purpose", value: "residence-verification")
            headers.add(name: "Lienthong-Request-Id", value: requestID)
            headers.add(name: "Connection", value: "close")
            let request = HTTPClientRequest(
                url: "\(cluster.baseURL)/v1/records/population/\(personalID)", headers: headers,
                totalTimeout: .seconds(10))
            do {
                let response = try await client.send(request)
                if response.status == 200 { answered.append(requestID) } else { failures.append("\(response.status)") }
            } catch {
                failures.append("\(error)")
            }
        }
        client.shutdown()
        return (answered, failures)
    }

    @Test func killNineOfOneNodeUnder16ClientsFailsAtMostTheRequestsInFlightOnIt() async throws {
        let cluster = try ClusterScript()
        let token = try cluster.token("motcua.token")
        let personalID = try #require(try Seeds.rows("population.csv").first?["so_dinh_danh"])
        let deadline = ContinuousClock.now + .seconds(8)
        let victim = try cluster.pid("node-b")
        let results = await withTaskGroup(of: (answered: [String], failures: [String]).self) { group in
            for _ in 0..<16 {
                group.addTask { await Self.client(cluster, token: token, personalID: personalID, until: deadline) }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(3))
                kill(victim, SIGKILL)
                return ([], [])
            }
            return await group.reduce(into: [(answered: [String], failures: [String])]()) { $0.append($1) }
        }
        let answered = results.flatMap(\.answered)
        #expect(kill(victim, 0) != 0, "node-b still runs")
        // Each client has one request in flight at a time: at most that one fails when the node dies.
        #expect(results.allSatisfy { $0.failures.count <= 1 }, "failures per client: \(results.map(\.failures))")
        #expect(answered.count > 100)
        let connection = try PostgresConnection(cluster.postgresURL)
        var missing = 0
        for requestID in answered {
            let rows = try connection.query(
                "SELECT count(*) FROM lienthong.audit_records WHERE request_id = $1 AND status = 200", [requestID])
            if rows.rows.first?.first != "1" { missing += 1 }
        }
        #expect(missing == 0, "\(missing) answered lookups have no audit record")
        // node-b answered until it died, and the others after.
        let byNode = try connection.query(
            "SELECT node_id, count(*) FROM lienthong.audit_records WHERE status = 200 GROUP BY 1 ORDER BY 1")
        #expect(byNode.rows.map { $0[0] } == ["node-a", "node-b", "node-c"])
        let verify = try ChildProcess.run(
            GatewayProcess.binary, ["audit", "verify", cluster.postgresURL, "--trust-anchor", cluster.rootCA])
        #expect(verify.status == 0, "\(verify.stdout)")
        for node in ["node-a", "node-b", "node-c"] { #expect(verify.stdout.contains("node \(node):\n  valid")) }
    }
}
