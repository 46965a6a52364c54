import LienthongAudit
import LienthongJSON
import LienthongTrust
import Testing

/// The record's own canonical writer against the generic one: the chain's hashes must not change.
struct AuditRecordCanonicalTests {
    static let bare = AuditRecord(
        seq: 1, recordedAt: "2026-12-07T08:00:00.000Z", requestID: "req-1", outcome: .denied, status: 401,
        prevHash: AuditChain.genesisHash, hash: "")

    static let full = AuditRecord(
        seq: 9_007_199_254_740_993, recordedAt: "2026-12-07T08:00:00.123Z", requestID: "req-\"quoted\"\\",
        consumer: "VN:GOV:000-01:MOTCUA", provider: "VN:GOV:000-02:BCA", service: "VN:GOV:000-02:BCA/person",
        purpose: "residence-verification\n\t\u{1}", subjectHMAC: "ab12", fields: ["name", "Hà Nội", "e\u{301}", "😀", ""],
        outcome: .allowed, status: 200, problemCode: "a\u{7f}b", latencyMicroseconds: Int.max,
        messageSHA256: "m", requestSHA256: "r", documentSHA256: "d", prevHash: String(repeating: "f", count: 64),
        hash: "ignored", nodeID: "node-é")

    static var variants: [AuditRecord] {
        var records = [bare, full]
        var negative = full
        negative.latencyMicroseconds = -9_007_199_254_740_993
        negative.status = -1
        negative.fields = []
        records.append(negative)
        var exact = bare
        exact.seq = 9_007_199_254_740_991
        exact.latencyMicroseconds = 0
        exact.fields = ["only"]
        records.append(exact)
        // Each optional member present alone.
        let setters: [(inout AuditRecord) -> Void] = [
            { $0.consumer = "c" }, { $0.provider = "p" }, { $0.service = "s" }, { $0.purpose = "u" },
            { $0.subjectHMAC = "h" }, { $0.problemCode = "x" }, { $0.messageSHA256 = "m" },
            { $0.requestSHA256 = "q" }, { $0.documentSHA256 = "d" }, { $0.nodeID = "n" },
        ]
        for set in setters {
            var record = bare
            set(&record)
            records.append(record)
        }
        return records
    }

    @Test(arguments: variants)
    func canonicalContentIsTheJCSOfContent(_ record: AuditRecord) throws {
        #expect(record.canonicalContent() == (try JCS.canonicalize(record.content)))
    }

    @Test func theChainHashesTheCanonicalContent() throws {
        var chain = AuditChain()
        let record = chain.append(auditEvent(1, subject: "079085000001"), subjectHMAC: "ab")
        // The hash the format defines: hex SHA-256 of JCS(content), through the generic canonicaliser.
        #expect(record.hash == Hex.encode(Digest.sha256(try JCS.canonicalize(record.content))))
        #expect(AuditChain.hash(of: record) == record.hash)
    }
}
