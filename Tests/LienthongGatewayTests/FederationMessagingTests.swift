import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongJSON
import LienthongStorage
import LienthongTesting
import LienthongTrust
import Testing

/// Documents between nodes, with real processes and real TLS on loopback: the province node (HCM) delivers a
/// document for VN/GOV/BTC/THUE to the finance node (BTC) the global configuration names for that member, through
/// the peer path; the finance node decides with its own grants, answers a signed delivery receipt and sends the read
/// receipt back when the recipient acknowledges; both audit logs reconcile.
@Suite(.serialized)
struct FederationMessagingTests {
    /// An authority, the province node (MOTCUA sends from there) and the finance node (THUE's inbox is there).
    static func network(retry: Bool = false) async throws -> FederationNetwork {
        let network = try FederationNetwork(nodeCertificates: ["node-hcm", "node-btc", "node-rogue"])
        try network.start(
            "node-hcm", members: ["VN/GOV/HCM"], registries: ["land", "insurance"], peerCertificate: "node-hcm"
        ) { directory in
            try Self.fastRetries(directory, retry)
        }
        try network.start(
            "node-btc", members: ["VN/GOV/BTC"], registries: ["enterprise"], peerCertificate: "node-btc",
            messageGrants: true
        ) { directory in
            try Self.fastRetries(directory, retry)
        }
        try await network.publish(clients: ["node-hcm": ["node-hcm"], "node-btc": ["node-btc", "node-rogue"]])
        return network
    }

    /// Retries within a second instead of the default (1 s doubling to 5 min), when `enabled`.
    static func fastRetries(_ directory: URL, _ enabled: Bool) throws {
        guard enabled else { return }
        try GatewayProcess.editJSON(directory.appendingPathComponent("node.json")) {
            $0["messages"] = ["retryInitialSeconds": 0.2, "retryMaxSeconds": 1]
        }
    }

    static func node(_ network: FederationNetwork, _ id: String) throws -> GatewayProcess {
        try #require(network.nodes.first { $0.id == id }?.process)
    }

    /// Polls the sender's `GET /v1/messages/{id}` on `province` until its state is `state`.
    static func status(
        _ sender: DocumentSender, _ id: String, becomes state: String
    ) async throws -> JSONValue {
        var status: JSONValue = .null
        let reached = try await Poll.until(within: .seconds(60), every: .milliseconds(200)) {
            status = try await sender.get("/v1/messages/\(id)", token: "motcua.token").json
            return status["state"] == .string(state)
        }
        #expect(reached, "\(status)")
        return status
    }

    /// The multipart body of `envelope` with `parts`, posted straight to `node`'s peer route as `certificate`.
    static func postToPeer(
        _ envelope: JSONValue, parts: [DocumentSender.Attachment], to node: GatewayProcess,
        as certificate: (certificate: String, key: String)
    ) async throws -> HTTPClientResponse {
        let client = HTTPClient(
            tls: TLSClientConfiguration(
                caFilePath: node.rootCA, certificatePath: certificate.certificate, privateKeyPath: certificate.key))
        defer { client.shutdown() }
        let boundary = "b-\(UUID().uuidString)"
        return try await node.post(
            "/v1/federation/messages",
            body: DocumentSender.body(envelope: envelope.serializedBytes(), parts: parts, boundary: boundary),
            headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)"], client: client)
    }

    @Test(.timeLimit(.minutes(5)))
    func aDocumentCrossesToTheRecipientsNodeWithBothReceiptsBackAndBothLogsReconcile() async throws {
        let network = try await Self.network()
        defer { network.stop() }
        let (province, finance) = (try Self.node(network, "node-hcm"), try Self.node(network, "node-btc"))
        let sender = try DocumentSender(province)
        let recipient = try DocumentSender(finance)
        // Larger than one read of the store and one curl buffer: the upload is streamed in pieces.
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 7) }
        let attachment = DocumentSender.Attachment(name: "quyet-dinh.pdf", bytes: bytes)
        let message = DocumentSender.message(attachments: [attachment])
        let id = try #require(message["id"]?.stringValue)
        let envelope = try sender.signer.sign(message)
        let sent = try await sender.send(message, parts: [attachment], envelope: envelope)
        #expect(sent.status == 202, "\(sent.json)")

        // Delivered on the finance node: the receipt shows on the province node and verifies offline.
        var status = try await Self.status(sender, id, becomes: "delivered")
        let receipt = try #require(status["deliveryReceipt"])
        #expect(receipt["message"]?["kind"] == "delivery")
        #expect(receipt["message"]?["messageId"]?.stringValue == id)
        #expect(receipt["message"]?["receiver"] == .string(DocumentSender.thue))
        let root = network.national.appendingPathComponent("root-ca.crt.pem")
        let file = network.authority.directory.appendingPathComponent("delivery-receipt.json")
        try Data(receipt.serializedBytes()).write(to: file)
        let verify = try ChildProcess.run(GatewayProcess.binary, ["verify", file.path, "--trust-anchor", root.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("result: valid"), "\(verify.stdout)")

        // In THUE's inbox there, the attachment byte for byte.
        let inbox = try await recipient.get("/v1/inbox").json["messages"]?.arrayValue ?? []
        #expect(inbox.map { $0["id"]?.stringValue } == [id])
        let fetched = try await recipient.get("/v1/inbox/\(id)/attachments/quyet-dinh.pdf")
        #expect(fetched.status == 200)
        #expect(fetched.body == bytes)
        let stored = try await recipient.get("/v1/inbox/\(id)")
        // The sender's envelope as sent, its signature first, with the province node's countersignature.
        #expect(stored.json["message"] == message)
        #expect(stored.json["signatures"]?[0] == envelope["signatures"]?[0])
        #expect(stored.json["signatures"]?.arrayValue?.count == 2)

        // The same message again (a retry after a lost answer): the same receipt, stored once.
        let again = try await Self.postToPeer(
            envelope, parts: [attachment], to: finance, as: network.nodeCertificate("node-hcm"))
        #expect(again.status == 200, "\(again.json)")
        #expect(again.json == receipt)
        let listed = try await recipient.get("/v1/inbox").json["messages"]?.arrayValue ?? []
        #expect(listed.map { $0["id"]?.stringValue } == [id])

        // A node listed for BTC, not for HCM, cannot send as MOTCUA.
        let forged = DocumentSender.message(attachments: [])
        let refused = try await Self.postToPeer(
            try sender.signer.sign(forged), parts: [], to: finance, as: network.nodeCertificate("node-rogue"))
        #expect(refused.status == 403)
        #expect(refused.problemCode == "federation.node-not-serving-member")
        let forgedID = try #require(forged["id"]?.stringValue)
        #expect(try await recipient.get("/v1/inbox/\(forgedID)").status == 404)
        let audited = try AuditLog.allRecords(path: finance.auditPath).filter { $0.requestID == forgedID }
        #expect(audited.map(\.problemCode) == ["federation.node-not-serving-member"])

        // Acknowledged on the finance node: the read receipt comes back to the province node.
        let ack = try await recipient.post("/v1/inbox/\(id)/ack")
        #expect(ack.status == 200, "\(ack.json)")
        status = try await Self.status(sender, id, becomes: "acknowledged")
        #expect(status["readReceipt"] == ack.json["readReceipt"])
        #expect(status["readReceipt"]?["message"]?["kind"] == "read")
        #expect(status["deliveryReceipt"] == receipt)

        // Both logs hold the delivery and the read receipt under the message id and hashes: they reconcile.
        let here = try AuditLog.allRecords(path: province.auditPath).filter { $0.requestID == id }
        let there = try AuditLog.allRecords(path: finance.auditPath).filter { $0.requestID == id }
        // The message is stored due at once before its send record is written, so the province worker may hand it
        // over and write its deliver record first: those two are concurrent. The ack came after both.
        let services = here.map { $0.service ?? "" }
        #expect(
            Set(services.prefix(2)) == ["lienthong:messages:send", "lienthong:messages:deliver"]
                && services.dropFirst(2) == ["lienthong:messages:ack"],
            "\(services)")
        #expect(there.map(\.service) == ["lienthong:messages:deliver", "lienthong:messages:ack"])
        let reconciled = try ChildProcess.run(
            GatewayProcess.binary,
            [
                "audit", "reconcile", province.auditPath, "--peer-log", finance.auditPath, "--member", "VN/GOV/HCM",
                "--peer-member", "VN/GOV/BTC",
            ])
        #expect(reconciled.status == 0, "\(reconciled.stdout)\(reconciled.stderr)")
        #expect(reconciled.stdout.contains("matched: 2, missing at peer: 0, missing here: 0"), "\(reconciled.stdout)")
    }

    /// Each document another node hands over is delivered by the request that received it, not also by the
    /// recipient node's delivery worker: one audited delivery per message, with the receipt the sender got and the
    /// inbox keeps. (The worker used to claim the row the request had just stored, due at once, and audit a second
    /// delivery with a receipt of its own: 2 to 12 of these 160 messages, in every run measured.)
    @Test(.timeLimit(.minutes(3)))
    func documentsHandedOverAreDeliveredAndAuditedOnceEach() async throws {
        let network = try await Self.network()
        defer { network.stop() }
        let (province, finance) = (try Self.node(network, "node-hcm"), try Self.node(network, "node-btc"))
        let sender = try DocumentSender(province)
        let certificate = network.nodeCertificate("node-hcm")
        let count = 160
        let envelopes = try (0..<count).map { _ in try sender.signer.sign(DocumentSender.message(attachments: [])) }
        // Eight at a time, so that the finance node's worker polls while several rows are freshly stored.
        var answers: [String: HTTPClientResponse] = [:]
        for start in stride(from: 0, to: count, by: 8) {
            try await withThrowingTaskGroup(of: (String, HTTPClientResponse).self) { group in
                for envelope in envelopes[start..<min(start + 8, count)] {
                    let id = try #require(envelope["message"]?["id"]?.stringValue)
                    group.addTask { (id, try await Self.postToPeer(envelope, parts: [], to: finance, as: certificate)) }
                }
                for try await (id, answer) in group { answers[id] = answer }
            }
        }
        #expect(answers.count == count)

        let stored = try SQLiteDatabase(
            path: finance.dataDirectory.appendingPathComponent("messages.sqlite").path, mode: .readOnly
        ).query("SELECT id, state, delivery_receipt FROM messages")
        var receipts: [String: [UInt8]] = [:]
        for row in stored {
            guard case .text(let id) = row[0], case .text(let state) = row[1] else { continue }
            #expect(state == "delivered", "\(id)")
            if case .blob(let receipt) = row[2] { receipts[id] = receipt }
        }
        for (id, answer) in answers {
            #expect(answer.status == 200, "\(id): \(answer.json)")
            #expect(answer.body == receipts[id], "\(id): the receipt answered is the one the inbox keeps")
        }
        let delivered = try AuditLog.allRecords(path: finance.auditPath)
            .filter { $0.service == "lienthong:messages:deliver" }
        let perMessage = Dictionary(grouping: delivered, by: \.requestID).mapValues(\.count)
        let doubles = perMessage.filter { $0.value != 1 }
        #expect(doubles.isEmpty, "\(doubles.count) of \(count) messages have more than one delivery audited")
        #expect(Set(perMessage.keys) == Set(answers.keys))
        // The delivery audited names the receipt the sender got (its message's hash).
        for record in delivered {
            let receipt = try #require(answers[record.requestID]?.json["message"])
            #expect(record.documentSHA256 == Base64URL.encode(Digest.sha256(try JCS.canonicalize(receipt))))
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func aRecipientNodeDownDelaysTheDocumentAndARefusalIsADeadLetterAtOnce() async throws {
        let network = try await Self.network(retry: true)
        defer { network.stop() }
        let province = try Self.node(network, "node-hcm")
        let sender = try DocumentSender(province)

        // Not granted there for this purpose: the finance node decides, and the province node gives up at once.
        let ungranted = DocumentSender.message(purpose: "social-insurance", attachments: [])
        let ungrantedID = try #require(ungranted["id"]?.stringValue)
        #expect(try await sender.send(ungranted, parts: []).status == 202)
        let dead = try await Self.status(sender, ungrantedID, becomes: "dead-letter")
        #expect(dead["lastError"] == "message.not-granted")
        #expect(dead["attempts"] == 1)

        // The finance node down: the document waits, retried, and is delivered once it is back.
        try Self.node(network, "node-btc").stop()
        let attachment = DocumentSender.Attachment(name: "to-trinh.pdf", bytes: Array("tờ trình".utf8))
        let message = DocumentSender.message(attachments: [attachment])
        let id = try #require(message["id"]?.stringValue)
        #expect(try await sender.send(message, parts: [attachment]).status == 202)
        var status: JSONValue = .null
        #expect(
            try await Poll.until(within: .seconds(30), every: .milliseconds(200)) {
                status = try await sender.get("/v1/messages/\(id)", token: "motcua.token").json
                return (status["attempts"]?.numberValue?.int ?? 0) >= 2
            }, "\(status)")
        #expect(status["state"] == "queued")
        #expect(status["lastError"]?.stringValue?.hasPrefix("upstream-") == true, "\(status)")
        let finance = try network.restart("node-btc")
        _ = try await Self.status(sender, id, becomes: "delivered")
        let recipient = try DocumentSender(finance)
        let inbox = try await recipient.get("/v1/inbox").json["messages"]?.arrayValue ?? []
        #expect(inbox.map { $0["id"]?.stringValue } == [id])

        // The province node down when the recipient acknowledges: the read receipt waits there and comes back.
        province.stop()
        let ack = try await recipient.post("/v1/inbox/\(id)/ack")
        #expect(ack.status == 200, "\(ack.json)")
        let restarted = try DocumentSender(try network.restart("node-hcm"))
        let read = try await Self.status(restarted, id, becomes: "acknowledged")
        #expect(read["readReceipt"] == ack.json["readReceipt"])
    }

    /// Before its first global configuration a node cannot tell where a recipient lives: it refuses to take a
    /// document rather than deliver it to a local inbox of the same name.
    @Test(.timeLimit(.minutes(2)))
    func aNodeWithoutItsGlobalConfigurationTakesNoDocument() async throws {
        let network = try FederationNetwork(nodeCertificates: ["node-hcm"])
        defer { network.stop() }
        let province = try network.start(
            "node-hcm", members: ["VN/GOV/HCM"], registries: ["land"], peerCertificate: "node-hcm")
        let sender = try DocumentSender(province)
        let message = DocumentSender.message(attachments: [])
        let refused = try await sender.send(message, parts: [])
        #expect(refused.status == 503)
        #expect(refused.problemCode == "federation.configuration-missing")
        let id = try #require(message["id"]?.stringValue)
        #expect(try await sender.get("/v1/messages/\(id)", token: "motcua.token").status == 404)
    }
}
