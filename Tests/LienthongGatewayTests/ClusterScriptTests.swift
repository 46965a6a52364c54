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
    ) async -> (answered: [String], failures: [Failure]) {
        let client = HTTPClient(tls: TLSClientConfiguration(caFilePath: cluster.rootCA))
        var answered: [String] = []
        var failures: [Failure] = []
        while ContinuousClock.now < deadline {
            let started = ContinuousClock.now
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
                if response.status == 200 {
                    answered.append(requestID)
                } else {
                    failures.append(Failure(started: started, ended: .now, reason: "\(response.status)"))
                }
            } catch {
                failures.append(Failure(started: started, ended: .now, reason: "\(error)"))
            }
        }
        client.shutdown()
        return (answered, failures)
    }

    /// A lookup that did not answer 200: when it was sent, when it ended, and what came back.
    struct Failure: Sendable, CustomStringConvertible {
        let started: ContinuousClock.Instant
        let ended: ContinuousClock.Instant
        let reason: String
        var description: String { reason }
    }

    @Test func killNineOfOneNodeUnder16ClientsFailsAtMostTheRequestsInFlightOnIt() async throws {
        let cluster = try ClusterScript()
        let token = try cluster.token("motcua.token")
        let personalID = try #require(try Seeds.rows("population.csv").first?["so_dinh_danh"])
        let deadline = ContinuousClock.now + .seconds(8)
        let victim = try cluster.pid("node-b")
        // When node-b's port refuses connections: from then on HAProxy's connect fails at once and is redispatched.
        // Until then (kill(2) returns before the process is torn down, longer on a loaded machine) the kernel still
        // queues connections to the dying node: those requests are in flight on it, and are the ones allowed to fail.
        let gone = Gone()
        let results = await withTaskGroup(of: (answered: [String], failures: [Failure]).self) { group in
            for _ in 0..<16 {
                group.addTask { await Self.client(cluster, token: token, personalID: personalID, until: deadline) }
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(3))
                await gone.killed(ContinuousClock.now)
                kill(victim, SIGKILL)
                if (try? await Poll.until(within: .seconds(4), { try cluster.nodeRefusesConnections("node-b") })) == true {
                    await gone.mark(ContinuousClock.now)
                }
                return ([], [])
            }
            return await group.reduce(into: [(answered: [String], failures: [Failure])]()) { $0.append($1) }
        }
        let answered = results.flatMap(\.answered)
        let goneAt = try #require(await gone.instant, "node-b's port still accepts connections 4 s after kill -9")
        let killedAt = try #require(await gone.killedAt)
        // Every failed request was in flight while node-b died (sent before it was gone, still open when it was
        // killed); none sent after it was gone failed, because HAProxy sent those to a live node.
        let outside = results.flatMap(\.failures).filter { $0.started >= goneAt || $0.ended < killedAt }
        #expect(outside.isEmpty, "failed outside node-b's death: \(outside)")
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

/// When node-b was killed and when its port was seen refusing connections, set by the task that killed it.
private actor Gone {
    private(set) var killedAt: ContinuousClock.Instant?
    private(set) var instant: ContinuousClock.Instant?
    func killed(_ instant: ContinuousClock.Instant) { killedAt = instant }
    func mark(_ instant: ContinuousClock.Instant) { self.instant = instant }
}
