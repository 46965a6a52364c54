import Foundation
import LienthongHTTP
import LienthongJSON
import LienthongStorage
import LienthongTesting
import Testing

@testable import LienthongTrust

/// The message bus of several nodes on one PostgreSQL (issue 19 point 1): a document sent through one node is read
/// through another and followed through a third, each due message is delivered by exactly one node's worker, an id
/// is stored once whichever node receives it, and a node killed while it holds claims strands nothing.
extension ScaleOutTests {
    /// A 150 KB attachment: more than two chunk rows.
    static let scan = DocumentSender.Attachment(
        name: "ban-scan.pdf", bytes: Array("%PDF-1.7 bản scan\n".utf8) + (0..<150_000).map { UInt8($0 % 253) })

    /// How many of `ids` are in each state, from the shared table.
    private func states(_ url: String) throws -> [String: Int] {
        let rows = try PostgresConnection(url).query("SELECT state, count(*) FROM lienthong.messages GROUP BY state")
        return Dictionary(uniqueKeysWithValues: rows.rows.map { ($0[0] ?? "", Int($0[1] ?? "") ?? 0) })
    }

    /// Sends `count` one-attachment documents through `nodes` in turn, 8 at a time; their ids, each answered 202.
    private func sendMany(_ count: Int, through nodes: [GatewayProcess]) async throws -> [String] {
        let senders = try nodes.map { try DocumentSender($0) }
        return try await withThrowingTaskGroup(of: String.self) { group in
            var sent: [String] = []
            for index in 0..<count {
                if index >= 8, let id = try await group.next() { sent.append(id) }
                group.addTask {
                    let attachment = DocumentSender.Attachment(
                        name: "doc.txt", mediaType: "text/plain", bytes: Array("document \(index)".utf8))
                    let message = DocumentSender.message(attachments: [attachment])
                    let response = try await senders[index % senders.count].send(message, parts: [attachment])
                    #expect(response.status == 202, "\(String(decoding: response.body, as: UTF8.self))")
                    return try #require(message["id"]?.stringValue)
                }
            }
            for try await id in group { sent.append(id) }
            return sent
        }
    }

    @Test func documentSentThroughOneNodeIsReadThroughAnotherAndFollowedThroughAThird() async throws {
        let url = try database()
        let nodes = try GatewayProcess.cluster(3, postgresURL: url)
        let (a, b, c) = (try DocumentSender(nodes[0]), try DocumentSender(nodes[1]), try DocumentSender(nodes[2]))
        let message = DocumentSender.message(attachments: [Self.scan])
        let id = try #require(message["id"]?.stringValue)
        let sent = try await a.send(message, parts: [Self.scan])
        #expect(sent.status == 202, "\(String(decoding: sent.body, as: UTF8.self))")

        // B's long poll sees what A accepted, once some node's worker has delivered it.
        var listed: [JSONValue] = []
        let arrived = try await Poll.until(within: .seconds(30)) {
            listed = try await b.get("/v1/inbox?wait=5").json["messages"]?.arrayValue ?? []
            return !listed.isEmpty
        }
        #expect(arrived)
        #expect(listed.map { $0["id"]?.stringValue } == [id])
        #expect(try await b.get("/v1/inbox/\(id)").json["message"] == message)
        let bytes = try await b.get("/v1/inbox/\(id)/attachments/\(Self.scan.name)")
        #expect(bytes.status == 200)
        #expect(bytes.body == Self.scan.bytes, "the attachment's bytes through B are those sent through A")
        #expect(try await b.post("/v1/inbox/\(id)/ack").status == 200)

        let status = try await c.get("/v1/messages/\(id)", token: "motcua.token").json
        #expect(status["state"] == "acknowledged")
        let trust = CertificateVerifier(
            trustStore: try TrustStore.load(anchorFiles: [URL(fileURLWithPath: nodes[2].rootCA)]))
        for name in ["deliveryReceipt", "readReceipt"] {
            let receipt = try #require(status[name], "\(name) missing: \(status)")
            _ = try EnvelopeVerifier.verify(receipt, trust: trust, at: Date())
            #expect(receipt["message"]?["messageId"]?.stringValue == id)
        }
        // Nothing of the bus is in a node's own files: the bytes are chunk rows of the shared database.
        for node in nodes {
            let file = node.dataDirectory.appendingPathComponent("messages.sqlite")
            #expect(!FileManager.default.fileExists(atPath: file.path))
        }
        let chunks = try PostgresConnection(url).query(
            "SELECT count(*) FROM lienthong.attachment_chunks WHERE key = $1",
            [Base64URL.encode(Digest.sha256(Self.scan.bytes))])
        #expect(chunks.rows == [["3"]])
    }

    @Test func manyDocumentsThroughThreeNodesAreEachDeliveredOnceByOneWorker() async throws {
        let url = try database()
        let nodes = try GatewayProcess.cluster(3, postgresURL: url)
        let sent = try await sendMany(60, through: nodes)
        #expect(Set(sent).count == 60)
        let delivered = try await Poll.until(within: .seconds(60)) { try states(url)["delivered"] == 60 }
        let counts = try states(url)
        #expect(delivered, "\(counts)")

        // One inbox entry each, read through any node.
        let inbox = try await DocumentSender(nodes[1]).get("/v1/inbox").json["messages"]?.arrayValue ?? []
        let listed = inbox.compactMap { $0["id"]?.stringValue }
        #expect(listed.count == 60 && Set(listed) == Set(sent))
        // One delivery receipt and one audit record per step and message, on whichever node took the step.
        let connection = try PostgresConnection(url)
        let receipts = try connection.query(
            "SELECT count(*) FROM lienthong.messages WHERE delivery_receipt IS NOT NULL AND inbox_sequence IS NOT NULL")
        #expect(receipts.rows == [["60"]])
        let audited = try connection.query(
            """
            SELECT request_id, service, count(*) FROM lienthong.audit_records
            WHERE service LIKE 'lienthong:messages:%' GROUP BY request_id, service
            """)
        let steps = Dictionary(grouping: audited.rows) { $0[1] ?? "" }
        for service in ["lienthong:messages:send", "lienthong:messages:deliver"] {
            let rows = steps[service] ?? []
            #expect(Set(rows.map { $0[0] ?? "" }) == Set(sent), "\(service)")
            #expect(rows.allSatisfy { $0[2] == "1" }, "\(service): a message audited twice")
        }
        for node in nodes { #expect(node.stop() == 0) }
        let verify = try ChildProcess.run(
            GatewayProcess.binary, ["audit", "verify", url, "--trust-anchor", nodes[0].rootCA])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        for node in ["node-a", "node-b", "node-c"] { #expect(verify.stdout.contains("node \(node):\n  valid")) }
    }

    @Test func sameMessageIDThroughNodeAThenNodeBIsStoredOnce() async throws {
        let url = try database()
        let nodes = try GatewayProcess.cluster(2, postgresURL: url)
        let (a, b) = (try DocumentSender(nodes[0]), try DocumentSender(nodes[1]))
        let message = DocumentSender.message(attachments: [Self.scan])
        let id = try #require(message["id"]?.stringValue)
        let first = try await a.send(message, parts: [Self.scan])
        #expect(first.status == 202)
        let second = try await b.send(message, parts: [Self.scan])
        #expect(second.status == 202)
        #expect(second.json["id"]?.stringValue == id)
        let state = try await b.get("/v1/messages/\(id)", token: "motcua.token").json["state"]
        #expect(second.json["state"] == first.json["state"] || second.json["state"] == state)
        // The same id with another message is a conflict, through either node.
        let other = DocumentSender.message(id: id, purpose: "enterprise-registration", attachments: [Self.scan])
        #expect(try await b.send(other, parts: [Self.scan]).problemCode == "message.id-conflict")

        // Sent through both at once: both answered, one stored.
        let raced = DocumentSender.message(attachments: [Self.scan])
        let answers = try await withThrowingTaskGroup(of: Int.self) { group in
            for sender in [a, b, a, b] { group.addTask { try await sender.send(raced, parts: [Self.scan]).status } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(answers == [202, 202, 202, 202])
        let connection = try PostgresConnection(url)
        #expect(try connection.query("SELECT count(*) FROM lienthong.messages").rows == [["2"]])
        #expect(try connection.query("SELECT count(*) FROM lienthong.message_attachments").rows == [["2"]])
        #expect(try connection.query("SELECT count(*) FROM lienthong.attachment_contents").rows == [["1"]])
        #expect(
            try connection.query("SELECT count(*) FROM lienthong.attachment_chunks WHERE key LIKE 'upload:%'").rows
                == [["0"]], "the repeated uploads' chunks were dropped")
    }
}

extension ScaleOutTests {
    /// The queued messages node `node` holds a claim on at this moment, with when each claim ends (milliseconds).
    private func claims(of node: String, _ connection: PostgresConnection) throws -> [String: Int64] {
        let rows = try connection.query(
            """
            SELECT id, claimed_until_ms FROM lienthong.messages
            WHERE state = 'queued' AND claimed_by = $1
                AND claimed_until_ms > (extract(epoch FROM clock_timestamp()) * 1000)::bigint
            """, [node])
        return Dictionary(uniqueKeysWithValues: rows.rows.map { ($0[0] ?? "", Int64($0[1] ?? "") ?? 0) })
    }

    @Test func nodeKilledWhileHoldingClaimsStrandsNothing() async throws {
        let url = try database()
        let nodes = try GatewayProcess.cluster(3, postgresURL: url) { $0["messages"] = ["deliveryLeaseSeconds": 3] }
        let victim = nodes[0].process.processIdentifier
        let connection = try PostgresConnection(url)
        // Documents go in through B and C without pause while node A's worker is watched: once it is seen holding
        // claims on messages it has not delivered, it is stopped, checked again and killed (or let go on).
        let senders = [nodes[1], nodes[2]]
        let caughtYet = Switch()
        let sending = Task {
            var ids: [String] = []
            while await !caughtYet.isOn && ids.count < 600 { ids += try await sendMany(10, through: senders) }
            return ids
        }
        var held: [String: Int64] = [:]
        // A stopped process can still have its batch's delivery in the database's hands: its transaction's commit
        // was sent before the stop, and PostgreSQL commits it after. Then A delivered every claim it held; else B
        // and C take them all over.
        let caught = try await Poll.until(within: .seconds(60), every: .milliseconds(1)) {
            guard try claims(of: "node-a", connection).count >= 2 else { return false }
            kill(victim, SIGSTOP)
            held = try claims(of: "node-a", connection)
            guard held.count >= 2 else {
                kill(victim, SIGCONT)
                return false
            }
            kill(victim, SIGKILL)
            return true
        }
        await caughtYet.turnOn()
        let sent = try await sending.value
        #expect(caught, "node A was never seen holding a claim")
        nodes[0].process.waitUntilExit()
        #expect(nodes[0].process.terminationReason == .uncaughtSignal)

        // B and C deliver every message, A's claimed ones once its lease has passed.
        let delivered = try await Poll.until(within: .seconds(60)) { try states(url)["delivered"] == sent.count }
        let counts = try states(url)
        #expect(delivered, "\(counts) of \(sent.count)")
        let inbox = try await DocumentSender(nodes[1]).get("/v1/inbox").json["messages"]?.arrayValue ?? []
        let listed = inbox.compactMap { $0["id"]?.stringValue }
        #expect(listed.count == sent.count && Set(listed) == Set(sent), "one inbox entry per message")
        // Who delivered each message A held: B or C, which took it over (their delivery is in their chain), or A
        // itself, with the commit it had sent before it was stopped. A audits a delivery before making it.
        func deliverers(_ nodes: [String]) throws -> Set<String> {
            let rows = try connection.query(
                """
                SELECT DISTINCT request_id FROM lienthong.audit_records
                WHERE service = 'lienthong:messages:deliver' AND status = 200 AND node_id = ANY($1::text[])
                    AND request_id = ANY($2::text[])
                """, ["{" + nodes.joined(separator: ",") + "}", "{" + held.keys.joined(separator: ",") + "}"])
            return Set(rows.rows.map { $0[0] ?? "" })
        }
        let takenOver = try deliverers(["node-b", "node-c"])
        let deliveredByA = Set(held.keys).subtracting(takenOver)
        // One transaction per batch: all of A's claims or none of them.
        #expect(
            deliveredByA.isEmpty || deliveredByA == Set(held.keys),
            "A delivered \(deliveredByA.count) of the \(held.count) messages it held")
        #expect(deliveredByA.isSubset(of: try deliverers(["node-a"])), "a message held by A with no delivery audited")
        // None was taken over before A's lease on it ended.
        let rows = try connection.query(
            "SELECT id, delivered_ms FROM lienthong.messages WHERE id = ANY($1::text[])",
            ["{" + takenOver.joined(separator: ",") + "}"])
        #expect(rows.count == takenOver.count)
        for row in rows.rows {
            let id = row[0] ?? ""
            let deliveredAt = Int64(row[1] ?? "") ?? 0
            #expect(deliveredAt >= held[id] ?? .max, "\(id) was delivered before A's lease ended")
        }
    }
}

extension ScaleOutTests {
    @Test func deadLetterOfTheSharedQueueIsListedAndRequeuedByTheCommandThenDeliveredByANode() async throws {
        let url = try database()
        // Every document expires before its first attempt: a dead letter at once.
        let nodes = try GatewayProcess.cluster(2, postgresURL: url) { $0["messages"] = ["timeToLiveSeconds": 0.001] }
        let attachment = DocumentSender.Attachment(name: "a.txt", mediaType: "text/plain", bytes: Array("a".utf8))
        let message = DocumentSender.message(attachments: [attachment])
        let id = try #require(message["id"]?.stringValue)
        #expect(try await DocumentSender(nodes[0]).send(message, parts: [attachment]).status == 202)
        let dead = try await Poll.until { try states(url)["dead-letter"] == 1 }
        #expect(dead)

        let command = ["--config", nodes[0].configDirectory.path, "--data-dir", nodes[0].dataDirectory.path]
        let environment = ["LIENTHONG_NODE_ID": "operator"]
        let listed = try ChildProcess.run(
            GatewayProcess.binary, ["messages", "dead-letters"] + command, environment: environment)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.hasPrefix("\(id)  VN/GOV/HCM/MOTCUA -> VN/GOV/BTC/THUE"), "\(listed.stdout)")
        let requeued = try ChildProcess.run(
            GatewayProcess.binary, ["messages", "requeue", id, "--ttl", "600"] + command, environment: environment)
        #expect(requeued.status == 0, "\(requeued.stderr)")
        #expect(requeued.stdout == "requeued \(id)\n")
        var state: JSONValue = .null
        let delivered = try await Poll.until {
            state = try await DocumentSender(nodes[1]).get("/v1/messages/\(id)", token: "motcua.token").json["state"]
                ?? .null
            return state == "delivered"
        }
        #expect(delivered, "\(state)")
    }
}
