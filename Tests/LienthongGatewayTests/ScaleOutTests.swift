import Foundation
import LienthongHTTP
import LienthongJSON
import LienthongStorage
import LienthongTesting
import Testing

/// Several nodes of one agency with their state in one real PostgreSQL (node.json `storage.kind: postgres`).
@Suite(.serialized, .postgresCluster)
struct ScaleOutTests {
    /// A new database in the suite's cluster for one test: nodes started by another test (another PKI, the same
    /// node ids) stay out of its chains.
    func database() throws -> String {
        let cluster = try #require(PostgresCluster.current, "the suite's cluster did not start")
        let name = "scaleout_\(UUID().uuidString.prefix(8).lowercased())"
        try PostgresConnection(cluster.url).execute("CREATE DATABASE \(name)")
        return cluster.url.replacingOccurrences(of: "/lienthong", with: "/\(name)")
    }

    func lookup(
        _ node: GatewayProcess, _ personalID: String, requestID: String? = nil
    ) async throws -> HTTPClientResponse {
        var headers = [
            "Authorization": "Bearer \(try node.token("motcua.token"))", "Lienthong-Purpose": "residence-verification",
        ]
        if let requestID { headers["Lienthong-Request-Id"] = requestID }
        return try await node.get(
            "/v1/records/population/\(personalID)?fields=personalId,fullName", headers: headers, client: node.client())
    }

    func person(_ index: Int = 0) throws -> String {
        try #require(Seeds.rows("population.csv").dropFirst(index).first?["so_dinh_danh"])
    }

    @Test func sameRequestIDOnNodeAThenNodeBIs200Then409() async throws {
        let url = try database()
        let nodes = try GatewayProcess.cluster(2, postgresURL: url)
        let requestID = UUID().uuidString.lowercased()
        let first = try await lookup(nodes[0], try person(), requestID: requestID)
        #expect(first.status == 200)
        let second = try await lookup(nodes[1], try person(), requestID: requestID)
        #expect(second.status == 409)
        #expect(second.problemCode == "replay-detected")
        // Both exchanges are audited, each on the chain of the node that answered it.
        let rows = try PostgresConnection(url).query(
            "SELECT node_id, status FROM lienthong.audit_records WHERE request_id = $1 ORDER BY status", [requestID])
        #expect(rows.rows == [["node-a", "200"], ["node-b", "409"]])
    }

    @Test func citizensTransparencyListReadThroughEveryNodeHoldsEveryRead() async throws {
        let nodes = try GatewayProcess.cluster(3, postgresURL: try database())
        let directory = nodes[0].dataDirectory.appendingPathComponent("secrets/citizen-tokens")
        let file = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted().last)
        let personalID = String(file.dropLast(".token".count))
        let token = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        for node in nodes + nodes { #expect(try await lookup(node, personalID).status == 200) }
        for node in nodes {
            let list = try await node.get(
                "/v1/transparency/persons/\(personalID)/accesses", headers: ["Authorization": "Citizen \(token)"],
                client: node.client())
            #expect(list.status == 200)
            #expect(list.json["accesses"]?.arrayValue?.count == 6)
        }
    }

    @Test func everyAnsweredLookupHasItsRecordAndEveryNodesChainVerifies() async throws {
        let url = try database()
        let nodes = try GatewayProcess.cluster(3, postgresURL: url)
        var answered: [String] = []
        try await withThrowingTaskGroup(of: String?.self) { group in
            for index in 0..<48 {
                let node = nodes[index % 3]
                group.addTask {
                    let requestID = UUID().uuidString.lowercased()
                    let response = try await lookup(node, try person(index % 5), requestID: requestID)
                    return response.status == 200 ? requestID : nil
                }
            }
            for try await requestID in group { if let requestID { answered.append(requestID) } }
        }
        #expect(answered.count == 48)
        let connection = try PostgresConnection(url)
        for requestID in answered {
            let count = try connection.query(
                "SELECT count(*) FROM lienthong.audit_records WHERE request_id = $1 AND status = 200", [requestID])
            #expect(count.rows.first?.first == "1")
        }
        for node in nodes { #expect(node.stop() == 0) }
        let verify = try ChildProcess.run(
            GatewayProcess.binary, ["audit", "verify", url, "--trust-anchor", nodes[0].rootCA])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.hasPrefix("valid: "))
        for node in ["node-a", "node-b", "node-c"] { #expect(verify.stdout.contains("node \(node):\n  valid")) }
    }

    @Test func postgresStoppedUnderLoadAnswers503NeverA200WithoutRecordAndRecovers() async throws {
        let cluster = try #require(PostgresCluster.current)
        let url = try database()
        let node = try GatewayProcess.cluster(1, postgresURL: url)[0]
        let personalID = try person()
        #expect(try await lookup(node, personalID).status == 200)
        // Eight clients look up without pause while PostgreSQL stops for a few seconds and comes back; half of them
        // send a request id, which the shared replay window (in the same PostgreSQL) must admit first.
        // Each client goes on until PostgreSQL is back (the outage task ended) and then until it gets a 200: how long
        // the stop, the start and the pool's reconnection take is the machine's business, bounded by `limit`.
        let clock = ContinuousClock()
        let limit = clock.now + .seconds(90)
        // Set by the outage task once PostgreSQL is back (or the task failed).
        let outageOver = Flag()
        let outage = Task {
            defer { outageOver.set() }
            try await Task.sleep(for: .seconds(2))
            try await cluster.stop()
            try await Task.sleep(for: .seconds(3))
            try await cluster.start()
        }
        let responses = try await withThrowingTaskGroup(of: [(Int, String?, String?)].self) { group in
            for client in 0..<8 {
                group.addTask {
                    var seen: [(Int, String?, String?)] = []
                    while clock.now < limit
                        && !(outageOver.isSet && seen.last?.0 == 200)
                    {
                        let requestID = client % 2 == 0 ? UUID().uuidString.lowercased() : nil
                        let response = try await lookup(node, personalID, requestID: requestID)
                        seen.append((response.status, response.problemCode, response.headers["Lienthong-Request-Id"]))
                    }
                    return seen
                }
            }
            return try await group.reduce(into: [[(Int, String?, String?)]]()) { $0.append($1) }
        }
        try await outage.value
        let all = responses.flatMap { $0 }
        // The audit log or the replay window away: 503 either way, never a 500 (or anything else).
        let unavailable: Set<String?> = ["audit-unavailable", "replay-store-unavailable"]
        let unexpected = all.filter { !($0.0 == 200 || ($0.0 == 503 && unavailable.contains($0.1))) }
        #expect(unexpected.isEmpty, "\(unexpected.map { "\($0.0) \($0.1 ?? "-")" })")
        #expect(all.contains { $0.0 == 503 }, "no lookup met the outage")
        // Each client's last lookup came after PostgreSQL returned: the node recovered by itself.
        #expect(responses.allSatisfy { $0.last?.0 == 200 })
        let connection = try PostgresConnection(url)
        var unrecorded = 0
        for answered in all where answered.0 == 200 {
            let rows = try connection.query(
                "SELECT count(*) FROM lienthong.audit_records WHERE request_id = $1 AND status = 200", [answered.2])
            if rows.rows.first?.first != "1" { unrecorded += 1 }
        }
        #expect(unrecorded == 0, "\(unrecorded) lookups answered 200 without their audit record")
    }

    @Test func readinessReportsTheStorageDownWhilePostgresIsStoppedAndUpWhenItReturns() async throws {
        let cluster = try #require(PostgresCluster.current)
        let node = try GatewayProcess.cluster(1, postgresURL: try database())[0]
        let client = node.client()
        let ready = try await node.admin("/readyz", client: client)
        #expect(ready.status == 200)
        #expect(ready.json["components"]?["storage"] == ["kind": "storage", "status": "up"])
        try await cluster.stop()
        // Each check asks the store; the load balancer's check sees the bare 503 on the public port.
        var stopped = try await node.admin("/readyz", client: client)
        let down = try await Poll.until {
            stopped = try await node.admin("/readyz", client: client)
            return stopped.status == 503
        }
        #expect(down)
        #expect(stopped.json["status"] == "not-ready")
        #expect(stopped.json["components"]?["storage"]?["status"] == "down")
        #expect(stopped.json["components"]?["storage"]?["detail"] == "postgres.connect")
        #expect(try await node.get("/readyz", client: client).status == 503)
        try await cluster.start()
        let back = try await Poll.until { try await node.get("/readyz", client: client).status == 200 }
        #expect(back, "the node did not report ready again after PostgreSQL returned")
        #expect(try await node.admin("/readyz", client: client).json["components"]?["storage"]?["status"] == "up")
    }
}
