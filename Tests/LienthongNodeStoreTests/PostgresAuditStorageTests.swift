import Foundation
import LienthongAudit
import LienthongNodeStore
import LienthongStorage
import LienthongTesting
import LienthongTrust
import Testing

/// The audit log of several nodes in one real PostgreSQL: a chain per node, reads across nodes.
@Suite(.serialized, .postgresCluster)
struct PostgresAuditStorageTests {
    /// A root and a node signing certificate for `VN/GOV/BCA`, for checkpoints.
    struct PKI {
        let root: CertificateIssuer
        let key: SigningKey
        let chain: [Certificate]

        init() throws {
            let now = Date()
            root = try CertificateIssuer.selfSignedRoot(
                subject: DistinguishedName(commonName: "Node Store Test Root CA"), key: SigningKey.generate(),
                notBefore: now - 86_400, notAfter: now + 3650 * 86_400)
            key = try SigningKey.generate()
            chain = [
                try root.issue(
                    .nodeSigning, subject: DistinguishedName(commonName: "VN/GOV/BCA"), publicKey: key.publicKey,
                    notBefore: now - 86_400, notAfter: now + 365 * 86_400)
            ]
        }

        var verifier: CertificateVerifier {
            get throws { CertificateVerifier(trustStore: try TrustStore(anchors: [root.certificate])) }
        }

        func signer(everyRecords: Int = 50) throws -> AuditCheckpointSigner {
            try AuditCheckpointSigner(key: key, chain: chain, everyRecords: everyRecords, interval: 3600)
        }
    }

    private var url: String {
        get throws { try #require(PostgresCluster.current, "the suite's cluster did not start").url }
    }

    private func open(_ node: String, _ pki: PKI, mark: AuditVerifiedMark? = nil) throws -> AuditLog {
        try AuditLog(
            storage: try PostgresAuditStorage(conninfo: try url, nodeID: node), subjectKey: Array("secret".utf8),
            checkpoints: try pki.signer(), verifiedMark: mark)
    }

    private func event(_ requestID: String = UUID().uuidString, subject: String = "001099000001") -> AuditEvent {
        AuditEvent(
            time: Date(), requestID: requestID, consumer: "VN/GOV/HCM/MOTCUA", provider: "VN/GOV/BCA",
            service: "VN/GOV/BCA/DANCU/person", purpose: "residence-verification", subjectKey: subject,
            fields: ["personalId", "fullName"], outcome: .allowed, status: 200, latencyMicroseconds: 120)
    }

    private func verifyAll(_ pki: PKI) throws -> [String: AuditVerification] {
        Dictionary(
            uniqueKeysWithValues: try PostgresAuditStorage.verifyAll(conninfo: try url, trust: try pki.verifier)
                .map { ($0.nodeID, $0.verification) })
    }

    @Test func twoNodesAppendConcurrentlyEachToItsOwnChainAndReadEachOthersRecords() async throws {
        let pki = try PKI()
        let (a, b) = (try open("chain-a", pki), try open("chain-b", pki))
        let subject = "0010990\(Int.random(in: 10000...99999))"
        let shared = UUID().uuidString
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask { _ = try await (index % 2 == 0 ? a : b).append(event(subject: subject)) }
            }
            try await group.waitForAll()
        }
        let fromA = try await a.append(event(shared))
        #expect(fromA.nodeID == "chain-a" && fromA.seq == 101)
        // A record one node appended is read through the other.
        #expect(try b.records(requestID: shared).map(\.hash) == [fromA.hash])
        #expect(try b.accesses(subjectKey: subject).count == 200)
        let month = try #require(AuditMonth(String(fromA.recordedAt.prefix(7))))
        let report = AuditReport.monthly(records: try a.records(from: month.start, to: month.end), month: month)
        #expect(report.totals.allowed >= 201)
        a.close()
        b.close()
        let results = try verifyAll(pki)
        for node in ["chain-a", "chain-b"] {
            let result = try #require(results[node])
            #expect(result.isValid)
            #expect(result.recordsChecked == (node == "chain-a" ? 101 : 100))
            #expect(result.signaturesVerified && result.checkpointsChecked >= 1 && result.unprotectedRecords == 0)
        }
    }

    @Test func reopenedNodeContinuesItsChainAndVerifiesAtStart() async throws {
        let pki = try PKI()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-\(UUID().uuidString)")
        let mark = AuditVerifiedMark(path: directory.appendingPathComponent("verified").path)
        let first = try open("chain-reopen", pki, mark: mark)
        for _ in 0..<3 { _ = try await first.append(event()) }
        first.close()
        let second = try open("chain-reopen", pki, mark: mark)
        #expect(second.unverifiedBreak == nil)
        #expect(try await second.append(event()).seq == 4)
        second.close()
        #expect(try verifyAll(pki)["chain-reopen"]?.isValid == true)
    }

    @Test func editedRecordIsFoundByVerifyAndByTheNextStart() async throws {
        let pki = try PKI()
        let log = try open("chain-edited", pki)
        for _ in 0..<4 { _ = try await log.append(event()) }
        log.close()
        try PostgresConnection(try url).query(
            "UPDATE lienthong.audit_records SET status = 500 WHERE node_id = 'chain-edited' AND seq = 2")
        let found = try #require(try verifyAll(pki)["chain-edited"]?.firstBad)
        #expect(found.seq == 2 && found.failure == .hashMismatch)
        let reopened = try open("chain-edited", pki)
        #expect(reopened.unverifiedBreak?.seq == 2)
        await #expect(throws: AuditError(code: .unverified, detail: "")) { try await reopened.append(event()) }
        reopened.close()
    }

    @Test func aSecondProcessWithTheSameNodeIDCannotWriteItsChain() async throws {
        let pki = try PKI()
        let first = try open("chain-single", pki)
        #expect(throws: AuditError(code: .storage, detail: "")) { try open("chain-single", pki) }
        first.close()
        let again = try open("chain-single", pki)
        again.close()
    }

    @Test func partitionsAreMonthlyCreatedAheadAndForAMonthABatchReaches() async throws {
        let pki = try PKI()
        let log = try open("chain-months", pki)
        let connection = try PostgresConnection(try url)
        let partitions = {
            try connection.query(
                """
                SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'lienthong.audit_records'::regclass ORDER BY 1
                """
            ).rows.compactMap { $0[0] }
        }
        #expect(try partitions().count >= 3)
        var later = event()
        later.time = Date() + 200 * 86_400
        let record = try await log.append(later)
        let name = "audit_records_" + record.recordedAt.prefix(7).replacingOccurrences(of: "-", with: "_")
        #expect(try partitions().contains(name))
        let stored = try connection.query(
            "SELECT tableoid::regclass::text FROM lienthong.audit_records WHERE node_id = 'chain-months' AND seq = 1")
        #expect(stored.rows.first?.first == "lienthong.\(name)")
        log.close()
    }

    @Test func appendsFailWhileTheServerIsDownAndTheChainGoesOnAfter() async throws {
        let cluster = try #require(PostgresCluster.current)
        let pki = try PKI()
        let log = try open("chain-outage", pki)
        _ = try await log.append(event())
        try await cluster.stop()
        await #expect(throws: AuditError(code: .storage, detail: "")) { try await log.append(event()) }
        try await cluster.start()
        let after = try await log.append(event())
        #expect(after.seq == 2)
        log.close()
        #expect(try verifyAll(pki)["chain-outage"]?.isValid == true)
    }
}
