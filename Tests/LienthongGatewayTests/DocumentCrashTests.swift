import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongJSON
import LienthongTesting
import Testing

@testable import LienthongTrust

/// kill -9 of the node while 16 clients send documents: after a restart on the same data directory, every document
/// answered 202 is delivered, none enters the inbox twice, the delivery receipts verify and the audit chain too.
@Suite(.serialized)
struct DocumentCrashTests {
    /// Message ids the clients saw answered with 202.
    actor Accepted {
        var ids: [String] = []
        /// Adds `id`; returns how many ids there are now.
        func add(_ id: String) -> Int {
            ids.append(id)
            return ids.count
        }
    }

    @Test func everyAcceptedDocumentIsDeliveredOnceAfterKill9() async throws {
        let gateway = try GatewayProcess()
        let sender = try DocumentSender(gateway)
        let accepted = Accepted()
        let clients = 16
        let killAfter = 160

        await withTaskGroup(of: Void.self) { group in
            for worker in 0..<clients {
                group.addTask {
                    var count = 0
                    // Each client stops at its first failure: the one the kill causes.
                    while true {
                        let attachment = DocumentSender.Attachment(
                            name: "doc.txt", mediaType: "text/plain", bytes: Array("client \(worker) #\(count)".utf8))
                        let message = DocumentSender.message(attachments: [attachment])
                        guard let id = message["id"]?.stringValue,
                            let response = try? await sender.send(message, parts: [attachment]),
                            response.status == 202
                        else { return }
                        // The kill comes from the answer that reaches the threshold: no task waits for it.
                        if await accepted.add(id) == killAfter { kill(gateway.process.processIdentifier, SIGKILL) }
                        count += 1
                    }
                }
            }
        }
        // Every client failed before the threshold: stop the gateway anyway; the count below reports it.
        if await accepted.ids.count < killAfter { kill(gateway.process.processIdentifier, SIGKILL) }
        gateway.process.waitUntilExit()
        #expect(gateway.process.terminationReason == .uncaughtSignal)

        let restarted = try GatewayProcess(
            configDirectory: gateway.configDirectory, dataDirectory: gateway.dataDirectory)
        defer { restarted.stop() }
        let reader = try DocumentSender(restarted)
        let answered = Set(await accepted.ids)
        #expect(answered.count >= killAfter)

        // Read the inbox as THUE does, acknowledging what it reads, until every accepted document was seen.
        var seen: [String: Int] = [:]
        let complete = try await Poll.until(within: .seconds(60), every: .milliseconds(50)) {
            for entry in try await reader.get("/v1/inbox").json["messages"]?.arrayValue ?? [] {
                guard let id = entry["id"]?.stringValue else { continue }
                seen[id, default: 0] += 1
                #expect(try await reader.post("/v1/inbox/\(id)/ack").status == 200)
            }
            return answered.isSubset(of: seen.keys)
        }
        let missing = answered.subtracting(seen.keys)
        #expect(complete, "\(missing.count) accepted documents never reached the inbox")
        let twice = seen.filter { $0.value > 1 }
        #expect(twice.isEmpty, "\(twice.count) documents entered the inbox more than once")

        let trust = CertificateVerifier(
            trustStore: try TrustStore.load(anchorFiles: [URL(fileURLWithPath: restarted.rootCA)]))
        for id in answered.sorted().prefix(32) {
            let status = try await reader.get("/v1/messages/\(id)", token: "motcua.token").json
            let receipt = try #require(status["deliveryReceipt"], "\(id): \(status)")
            let verified = try EnvelopeVerifier.verify(receipt, trust: trust, at: Date())
            #expect(verified.message["messageId"]?.stringValue == id)
        }
        let verification = try AuditLog.verify(path: restarted.auditPath, trust: trust)
        #expect(verification.isValid)
        print(
            "document crash test: \(answered.count) accepted before kill -9, \(seen.count) read after restart, "
                + "chain valid: \(verification.isValid)")
    }
}
