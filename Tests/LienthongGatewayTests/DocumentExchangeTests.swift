import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongJSON
import LienthongTesting
import Testing

@testable import LienthongTrust

/// Documents between agencies on one node, end to end with the built binary: VN/GOV/HCM/MOTCUA sends a signed
/// document with an attachment to VN/GOV/BTC/THUE (the demo grants it), the node delivers it into THUE's inbox with
/// a signed delivery receipt, THUE reads and acknowledges it for a signed read receipt, and both receipts verify
/// offline with `lienthong verify`.
@Suite(.serialized)
struct DocumentExchangeTests {
    /// One gateway for the suite, with a 4 KiB attachment limit so that the oversized case is cheap.
    static let gateway: Result<GatewayProcess, any Error> = Result {
        try GatewayProcess(
            configDirectory: try GatewayProcess.demoConfiguration { directory in
                try GatewayProcess.editJSON(directory.appendingPathComponent("node.json")) {
                    $0["messages"] = ["maxAttachmentBytes": 4096]
                }
            })
    }

    static let pdf = DocumentSender.Attachment(
        name: "cong-van.pdf", bytes: Array("%PDF-1.7 công văn\n".utf8) + (0..<3000).map { UInt8($0 % 251) })

    func sender() throws -> DocumentSender { try DocumentSender(Self.gateway.get()) }

    /// Runs `lienthong verify` on `envelope`; its exit status and output.
    func verify(_ envelope: JSONValue, _ gateway: GatewayProcess) throws -> ChildProcess.Output {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-receipt-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(envelope.serializedBytes(pretty: true)).write(to: file)
        return try ChildProcess.run(GatewayProcess.binary, ["verify", file.path, "--trust-anchor", gateway.rootCA])
    }

    /// The message's state as its sender sees it, once it is `state` (polled with a bound).
    func waitForState(_ id: String, _ state: String, _ sender: DocumentSender) async throws -> JSONValue {
        var last: JSONValue = .null
        let reached = try await Poll.until(within: .seconds(20)) {
            last = try await sender.get("/v1/messages/\(id)", token: "motcua.token").json
            return last["state"]?.stringValue == state
        }
        #expect(reached, "\(last)")
        return last
    }

    @Test func documentIsDeliveredReadAndBothReceiptsVerifyOffline() async throws {
        let sender = try sender()
        let gateway = sender.gateway
        let message = DocumentSender.message(attachments: [Self.pdf])
        let id = try #require(message["id"]?.stringValue)
        let sent = try await sender.send(message, parts: [Self.pdf])
        #expect(sent.status == 202, "\(String(decoding: sent.body, as: UTF8.self))")
        #expect(sent.json["id"]?.stringValue == id)
        #expect(sent.headers["Location"] == "/v1/messages/\(id)")

        // The recipient's long poll answers once the worker has delivered it.
        let inbox = try await sender.get("/v1/inbox?wait=20")
        #expect(inbox.status == 200)
        let listed = try #require(inbox.json["messages"]?.arrayValue?.first { $0["id"]?.stringValue == id })
        #expect(listed["sender"]?.stringValue == DocumentSender.motcua)
        #expect(listed["attachments"]?[0]?["length"]?.numberValue?.int == Self.pdf.bytes.count)

        let envelope = try await sender.get("/v1/inbox/\(id)")
        #expect(envelope.status == 200)
        #expect(envelope.json["message"] == message)
        #expect(try verify(envelope.json, gateway).status == 0)
        let attachment = try await sender.get("/v1/inbox/\(id)/attachments/cong-van.pdf")
        #expect(attachment.status == 200)
        #expect(attachment.body == Self.pdf.bytes)
        #expect(attachment.headers["Content-Type"] == "application/pdf")
        // Nobody else reads it: the sender's own token finds no such message in its inbox.
        #expect(try await sender.get("/v1/inbox/\(id)", token: "motcua.token").problemCode == "message.not-found")

        let ack = try await sender.post("/v1/inbox/\(id)/ack")
        #expect(ack.status == 200)
        #expect(ack.json["state"] == "acknowledged")
        let again = try await sender.post("/v1/inbox/\(id)/ack")
        #expect(again.json["readReceipt"] == ack.json["readReceipt"])
        let unread = try await sender.get("/v1/inbox").json["messages"]?.arrayValue ?? []
        #expect(!unread.contains { $0["id"]?.stringValue == id })

        let status = try await waitForState(id, "acknowledged", sender)
        let messageHash = try RequestHash.signedRequest(message)
        for (name, kind) in [("deliveryReceipt", "delivery"), ("readReceipt", "read")] {
            let receipt = try #require(status[name], "\(name) missing")
            #expect(receipt["message"]?["kind"]?.stringValue == kind)
            #expect(receipt["message"]?["messageId"]?.stringValue == id)
            #expect(receipt["message"]?["messageHash"]?.stringValue == messageHash)
            #expect(receipt["message"]?["receiver"]?.stringValue == DocumentSender.thue)
            #expect(
                receipt["message"]?["attachments"]?[0]?["sha256"]?.stringValue
                    == Base64URL.encode(Digest.sha256(Self.pdf.bytes)))
            let verified = try verify(receipt, gateway)
            #expect(verified.status == 0, "\(verified.stdout)")
            #expect(verified.stdout.contains("message: type receipt"), "\(verified.stdout)")
            // A receipt changed after signing does not verify.
            var forged = receipt.objectValue ?? [:]
            var forgedMessage = forged["message"]?.objectValue ?? [:]
            forgedMessage["receiver"] = "VN/GOV/BCA/DANCU"
            forged["message"] = .object(forgedMessage)
            #expect(try verify(.object(forged), gateway).status == 1)
        }
        #expect(status["readReceipt"] == ack.json["readReceipt"])

        let records = try AuditLog.allRecords(path: gateway.auditPath).filter { $0.requestID == id }
        // The sender's 202 waits for its send record, but the delivery worker may take the stored message and write
        // its deliver record first: the two are concurrent by design. The ack came after both answers.
        let services = records.map { $0.service ?? "" }
        #expect(
            Set(services.prefix(2)) == ["lienthong:messages:send", "lienthong:messages:deliver"]
                && services.dropFirst(2) == ["lienthong:messages:ack"],
            "\(services)")
        #expect(records.allSatisfy { $0.messageSHA256 == messageHash })
        #expect(try AuditLog.verify(path: gateway.auditPath).isValid)
    }

    @Test func theSameIDTwiceIsStoredOnce() async throws {
        let sender = try sender()
        let message = DocumentSender.message(attachments: [Self.pdf])
        let id = try #require(message["id"]?.stringValue)
        let first = try await sender.send(message, parts: [Self.pdf])
        #expect(first.status == 202)
        _ = try await waitForState(id, "delivered", sender)
        // The second call answers the first one's state and stores nothing.
        let second = try await sender.send(message, parts: [Self.pdf])
        #expect(second.status == 202)
        #expect(second.json["state"] == "delivered")
        let inbox = try await sender.get("/v1/inbox").json["messages"]?.arrayValue ?? []
        #expect(inbox.filter { $0["id"]?.stringValue == id }.count == 1)
        // Another document under a used id is a conflict, not a silent duplicate.
        let otherFile = DocumentSender.Attachment(name: "other.pdf", bytes: Array("other \(UUID())".utf8))
        var other = DocumentSender.message(id: id, attachments: [otherFile]).objectValue ?? [:]
        other["subject"] = "Another subject"
        let conflict = try await sender.send(.object(other), parts: [otherFile])
        #expect(conflict.status == 409)
        #expect(conflict.problemCode == "message.id-conflict")
        // Nothing of the refused one is kept: its attachment has no file.
        let named = Hex.encode(Digest.sha256(otherFile.bytes))
        let attachments = sender.gateway.dataDirectory.appendingPathComponent("messages/attachments")
        #expect(!FileManager.default.fileExists(atPath: attachments.appendingPathComponent(named).path))
        let sends = try AuditLog.allRecords(path: sender.gateway.auditPath).filter {
            $0.requestID == id && $0.service == "lienthong:messages:send"
        }
        #expect(sends.count == 1)
    }
}
