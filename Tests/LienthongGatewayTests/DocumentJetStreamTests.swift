import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongJSON
import LienthongTesting
import Testing

@testable import LienthongTrust

/// Documents on the JetStream engine (`bus.engine: jetstream`) against a three-server cluster on loopback: the same
/// sending, delivery and receipts as on the embedded queue, and kill -9 of a server under load loses no document
/// answered 202, keeps each sender's order and puts none twice in the inbox.
@Suite(.serialized)
struct DocumentJetStreamTests {
    /// A demo node on `cluster`, streams replicated on all three servers.
    static func gateway(_ cluster: NATSCluster) throws -> GatewayProcess {
        try GatewayProcess(
            configDirectory: try GatewayProcess.demoConfiguration { directory in
                try GatewayProcess.editJSON(directory.appendingPathComponent("node.json")) {
                    $0["bus"] = [
                        "engine": "jetstream", "servers": .array(cluster.urls.map { .string($0) }), "replicas": 3,
                        "ackTimeoutSeconds": 5,
                    ]
                }
            })
    }

    static func trust(_ gateway: GatewayProcess) throws -> CertificateVerifier {
        CertificateVerifier(trustStore: try TrustStore.load(anchorFiles: [URL(fileURLWithPath: gateway.rootCA)]))
    }

    @Test func documentIsDeliveredAndAcknowledgedWithReceiptsThroughJetStream() async throws {
        let cluster = try await NATSCluster.start()
        defer { cluster.stop() }
        let gateway = try Self.gateway(cluster)
        defer { gateway.stop() }
        let sender = try DocumentSender(gateway)
        let attachment = DocumentSender.Attachment(name: "cong-van.pdf", bytes: Array("%PDF-1.7 công văn\n".utf8))
        let message = DocumentSender.message(attachments: [attachment])
        let id = try #require(message["id"]?.stringValue)

        let sent = try await sender.send(message, parts: [attachment])
        #expect(sent.status == 202, "\(String(decoding: sent.body, as: UTF8.self))")
        // The same id again: stored once (the node store or JetStream's duplicate window answers).
        #expect(try await sender.send(message, parts: [attachment]).status == 202)

        let inbox = try await sender.get("/v1/inbox?wait=20")
        let listed = inbox.json["messages"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(listed == [id])
        #expect(try await sender.get("/v1/inbox/\(id)").json["message"] == message)
        #expect(try await sender.get("/v1/inbox/\(id)/attachments/cong-van.pdf").body == attachment.bytes)
        #expect(try await sender.post("/v1/inbox/\(id)/ack").status == 200)

        let status = try await sender.get("/v1/messages/\(id)", token: "motcua.token").json
        #expect(status["state"] == "acknowledged")
        let trust = try Self.trust(gateway)
        for name in ["deliveryReceipt", "readReceipt"] {
            let receipt = try #require(status[name], "\(name): \(status)")
            let verified = try EnvelopeVerifier.verify(receipt, trust: trust, at: Date())
            #expect(verified.message["messageId"]?.stringValue == id)
        }
        #expect(try AuditLog.verify(path: gateway.auditPath, trust: trust).isValid)
    }

    /// A document refused after its attachment was committed (no server takes the publish) answers 503 and leaves
    /// no attachment file behind: the bytes no stored message names go with it.
    @Test func documentTheClusterCannotTakeLeavesNoAttachmentBehind() async throws {
        let cluster = try await NATSCluster.start()
        defer { cluster.stop() }
        let gateway = try Self.gateway(cluster)
        defer { gateway.stop() }
        let sender = try DocumentSender(gateway)
        for index in 0..<3 { cluster.kill(index) }
        let bytes = Array("refused after its commit \(UUID())\n".utf8)
        let attachment = DocumentSender.Attachment(name: "scan.pdf", bytes: bytes)
        let message = DocumentSender.message(attachments: [attachment])
        let id = try #require(message["id"]?.stringValue)

        let sent = try await sender.send(message, parts: [attachment])
        #expect(sent.status == 503, "\(String(decoding: sent.body, as: UTF8.self))")
        #expect(sent.problemCode == "message.store-unavailable")
        #expect(try await sender.get("/v1/messages/\(id)", token: "motcua.token").problemCode == "message.not-found")
        let messages = gateway.dataDirectory.appendingPathComponent("messages")
        #expect(try FileManager.default.contentsOfDirectory(atPath: messages.appendingPathComponent("incoming").path)
            .isEmpty)
        let named = Hex.encode(Digest.sha256(bytes))
        #expect(!FileManager.default.fileExists(atPath: messages.appendingPathComponent("attachments/\(named)").path))
    }

    /// What each client saw answered 202, in its sending order.
    actor Accepted {
        var byClient: [Int: [String]] = [:]
        var count = 0
        func add(_ id: String, client: Int) {
            byClient[client, default: []].append(id)
            count += 1
        }
    }

    @Test func killingOneOfThreeServersUnderLoadLosesNoAcceptedDocument() async throws {
        let cluster = try await NATSCluster.start()
        defer { cluster.stop() }
        let gateway = try Self.gateway(cluster)
        defer { gateway.stop() }
        let sender = try DocumentSender(gateway)
        // The server the node is connected to: its publishes and fetches must move to another one.
        let victim = try #require((0..<3).first { (cluster.connections($0) ?? 0) > 0 }, "no server has the node")
        let accepted = Accepted()
        let clients = 16
        let killAfter = 96
        let total = 256
        let refused = Accepted()
        // A node that never publishes again after the kill fails the count below instead of hanging the run.
        let deadline = ContinuousClock.now + .seconds(180)

        await withTaskGroup(of: Void.self) { group in
            for client in 0..<clients {
                group.addTask {
                    var count = 0
                    // Each client sends one document after the other; a send refused during the failover (503) is
                    // not acknowledged, and the client goes on with the next one.
                    while await accepted.count < total, ContinuousClock.now < deadline {
                        let attachment = DocumentSender.Attachment(
                            name: "doc.txt", mediaType: "text/plain", bytes: Array("client \(client) #\(count)".utf8))
                        let message = DocumentSender.message(attachments: [attachment])
                        count += 1
                        guard let id = message["id"]?.stringValue,
                            let response = try? await sender.send(message, parts: [attachment])
                        else { continue }
                        if response.status == 202 {
                            await accepted.add(id, client: client)
                        } else {
                            await refused.add(id, client: client)
                            try? await Task.sleep(for: .milliseconds(20))
                        }
                    }
                }
            }
            group.addTask {
                while await accepted.count < killAfter, ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(5))
                }
                cluster.kill(victim)
            }
        }
        let byClient = await accepted.byClient
        let answered = Set(byClient.values.joined())
        #expect(answered.count >= total)

        // Read the inbox as THUE does, acknowledging what it reads, until every accepted document was seen.
        var seen: [String] = []
        let complete = try await Poll.until(within: .seconds(90), every: .milliseconds(50)) {
            for entry in try await sender.get("/v1/inbox").json["messages"]?.arrayValue ?? [] {
                guard let id = entry["id"]?.stringValue else { continue }
                seen.append(id)
                #expect(try await sender.post("/v1/inbox/\(id)/ack").status == 200)
            }
            return answered.isSubset(of: seen)
        }
        #expect(complete, "\(answered.subtracting(seen).count) accepted documents never reached the inbox")
        #expect(seen.count == Set(seen).count, "\(seen.count - Set(seen).count) documents entered the inbox twice")
        // Each client's documents reach the inbox in the order it sent them.
        let position = Dictionary(seen.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: min)
        for (client, ids) in byClient {
            let order = ids.compactMap { position[$0] }
            #expect(order == order.sorted(), "client \(client)'s documents were reordered")
        }
        let trust = try Self.trust(gateway)
        for id in answered.sorted().prefix(16) {
            let status = try await sender.get("/v1/messages/\(id)", token: "motcua.token").json
            let receipt = try #require(status["deliveryReceipt"], "\(id): \(status)")
            let verified = try EnvelopeVerifier.verify(receipt, trust: trust, at: Date())
            #expect(verified.message["messageId"]?.stringValue == id)
        }
        #expect(try AuditLog.verify(path: gateway.auditPath, trust: trust).isValid)
        print(
            "jetstream kill test: server \(victim + 1) killed after \(killAfter) accepted; \(answered.count) accepted, "
                + "\(await refused.count) refused during failover, \(seen.count) read")
    }
}
