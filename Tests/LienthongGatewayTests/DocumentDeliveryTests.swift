import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongJSON
import LienthongTesting
import Testing

/// Delivery of documents past their time to live, and what an operator does about it: a message that could not be
/// delivered in time goes to the dead letters, `lienthong messages dead-letters` lists it, and
/// `lienthong messages requeue ID` delivers it after all.
@Suite(.serialized)
struct DocumentDeliveryTests {
    @Test func anExpiredMessageIsADeadLetterUntilAnOperatorRequeuesIt() async throws {
        // A time to live shorter than the worker's first look at the message.
        let gateway = try GatewayProcess(
            configDirectory: try GatewayProcess.demoConfiguration { directory in
                try GatewayProcess.editJSON(directory.appendingPathComponent("node.json")) {
                    $0["messages"] = ["timeToLiveSeconds": 0.001]
                }
            })
        defer { gateway.stop() }
        let sender = try DocumentSender(gateway)
        let attachment = DocumentSender.Attachment(name: "to-trinh.pdf", bytes: Array("tờ trình".utf8))
        let message = DocumentSender.message(attachments: [attachment])
        let id = try #require(message["id"]?.stringValue)
        #expect(try await sender.send(message, parts: [attachment]).status == 202)

        var status: JSONValue = .null
        #expect(
            try await Poll.until {
                status = try await sender.get("/v1/messages/\(id)", token: "motcua.token").json
                return status["state"] == "dead-letter"
            }, "\(status)")
        #expect(status["lastError"] == "message.expired")
        #expect(try await sender.get("/v1/inbox").json["messages"]?.arrayValue?.isEmpty == true)

        let dataDirectory = gateway.dataDirectory.path
        let listed = try ChildProcess.run(
            GatewayProcess.binary, ["messages", "dead-letters", "--data-dir", dataDirectory])
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains(id) && listed.stdout.contains("message.expired"), "\(listed.stdout)")

        let requeued = try ChildProcess.run(
            GatewayProcess.binary, ["messages", "requeue", id, "--data-dir", dataDirectory])
        #expect(requeued.status == 0, "\(requeued.stderr)")
        #expect(
            try await Poll.until {
                status = try await sender.get("/v1/messages/\(id)", token: "motcua.token").json
                return status["state"] == "delivered"
            }, "\(status)")
        #expect(status["deliveryReceipt"]?["message"]?["messageId"]?.stringValue == id)
        let inbox = try await sender.get("/v1/inbox").json["messages"]?.arrayValue ?? []
        #expect(inbox.map { $0["id"]?.stringValue } == [id])

        // Requeueing what is not a dead letter is refused.
        let again = try ChildProcess.run(
            GatewayProcess.binary, ["messages", "requeue", id, "--data-dir", dataDirectory])
        #expect(again.status == 1)
        let services = try AuditLog.allRecords(path: gateway.auditPath).filter { $0.requestID == id }.map(\.service)
        #expect(services == ["lienthong:messages:send", "lienthong:messages:dead-letter", "lienthong:messages:deliver"])
    }
}
