import Foundation
import LienthongAudit
import LienthongJSON
import LienthongTesting
import Testing

extension FederationMessagingTests {
    /// A recipient node on the JetStream engine delivers a document another node hands over at once, from its node
    /// store: the first attempt answers the receipt, and each delivery is audited once. (Accepting it used to publish
    /// it to the member's stream; the node store did not hold it yet when the request delivered it, which answered
    /// 503 after auditing a delivery whose receipt was never stored or sent.)
    @Test(.timeLimit(.minutes(5)))
    func aNodeOnTheBusDeliversADocumentHandedOverAtOnce() async throws {
        let cluster = try await NATSCluster.start()
        defer { cluster.stop() }
        let network = try FederationNetwork(nodeCertificates: ["node-hcm", "node-btc"])
        defer { network.stop() }
        try network.start("node-hcm", members: ["VN/GOV/HCM"], registries: ["land"], peerCertificate: "node-hcm")
        try network.start(
            "node-btc", members: ["VN/GOV/BTC"], registries: ["enterprise"], peerCertificate: "node-btc",
            messageGrants: true
        ) { directory in
            try GatewayProcess.editJSON(directory.appendingPathComponent("node.json")) {
                $0["bus"] = ["engine": "jetstream", "servers": .array(cluster.urls.map { .string($0) }), "replicas": 3]
            }
        }
        try await network.publish(clients: ["node-hcm": ["node-hcm"], "node-btc": ["node-btc"]])
        let (province, finance) = (try Self.node(network, "node-hcm"), try Self.node(network, "node-btc"))
        let sender = try DocumentSender(province)
        let envelopes = try (0..<8).map { _ in try sender.signer.sign(DocumentSender.message(attachments: [])) }
        let ids = try envelopes.map { try #require($0["message"]?["id"]?.stringValue) }

        for (id, envelope) in zip(ids, envelopes) {
            let answer = try await Self.postToPeer(
                envelope, parts: [], to: finance, as: network.nodeCertificate("node-hcm"))
            #expect(answer.status == 200, "\(id): \(answer.json)")
            #expect(answer.json["message"]?["messageId"]?.stringValue == id)
        }
        let inbox = try await DocumentSender(finance).get("/v1/inbox").json["messages"]?.arrayValue ?? []
        #expect(Set(inbox.compactMap { $0["id"]?.stringValue }) == Set(ids))
        let delivered = try AuditLog.allRecords(path: finance.auditPath)
            .filter { $0.service == "lienthong:messages:deliver" }
        #expect(delivered.map(\.requestID).sorted() == ids.sorted())
    }
}
