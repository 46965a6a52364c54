import LienthongAudit
import Testing

struct AuditReconciliationTests {
    static func record(
        _ id: String, consumer: String = "VN/GOV/HCM/MOTCUA", provider: String = "VN/GOV/BCA/DANCU",
        request: String? = "r", message: String? = "m", receipt: String? = nil
    ) -> AuditRecord {
        AuditRecord(
            seq: 1, recordedAt: "2026-12-06T10:00:00.000Z", requestID: id, consumer: consumer, provider: provider,
            outcome: message == nil ? .denied : .allowed, status: message == nil ? 403 : 200, messageSHA256: message,
            requestSHA256: request, documentSHA256: receipt, prevHash: "", hash: "")
    }

    static func reconcile(_ local: [AuditRecord], _ peer: [AuditRecord]) -> AuditReconciliation {
        AuditReconciliation(local: local, peer: peer, members: ["VN/GOV/HCM"], peerMembers: ["VN/GOV/BCA"])
    }

    @Test func twinsMatchOnRequestIDRequestHashAndMessageHash() {
        let result = Self.reconcile([Self.record("a"), Self.record("b", message: nil)], [
            Self.record("a"), Self.record("b", message: nil),
        ])
        #expect(result.isReconciled)
        #expect(result.matched == 2)
    }

    @Test func aRecordWithoutItsTwinIsReportedOnItsSide() {
        let result = Self.reconcile(
            [Self.record("a"), Self.record("here-only")], [Self.record("a"), Self.record("peer-only")])
        #expect(result.missingAtPeer.map(\.requestID) == ["here-only"])
        #expect(result.missingHere.map(\.requestID) == ["peer-only"])
        #expect(result.matched == 1)
    }

    @Test func anotherHashIsAnotherExchange() {
        let result = Self.reconcile([Self.record("a", message: "m1")], [Self.record("a", message: "m2")])
        #expect(result.missingAtPeer.count == 1 && result.missingHere.count == 1)
        let request = Self.reconcile([Self.record("a", request: "r1")], [Self.record("a", request: "r2")])
        #expect(!request.isReconciled)
    }

    @Test func exchangesWithOtherMembersOrWithoutARequestHashAreNotCompared() {
        let result = Self.reconcile(
            [Self.record("other", provider: "VN/GOV/BTC/DKKD"), Self.record("local", request: nil)],
            [Self.record("third", consumer: "VN/GOV/HN/MOTCUA")])
        #expect(result.isReconciled)
        #expect(result.matched == 0)
    }

    /// A document between nodes is two exchanges under one message id: its delivery and its read receipt, told
    /// apart by the receipt's hash. The read receipt logged on one side only is reported.
    @Test func aDocumentsDeliveryAndReadReceiptAreTwoExchanges() {
        let delivered = Self.record("doc", request: "h", message: "h", receipt: "delivery")
        let read = Self.record("doc", request: "h", message: "h", receipt: "read")
        let both = Self.reconcile([delivered, read], [delivered, read])
        #expect(both.isReconciled && both.matched == 2)
        let unread = Self.reconcile([delivered], [delivered, read])
        #expect(unread.missingHere.map(\.documentSHA256) == ["read"])
        #expect(unread.matched == 1)
    }
}
