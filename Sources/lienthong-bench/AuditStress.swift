import Foundation
import LienthongAudit
import LienthongTrust

/// `lienthong-bench audit-stress`: appends records to an audit log as fast as it can from concurrent writers and
/// prints each record's seq once `append` returned (the record is durable). The audit crash-durability test kills
/// this process mid-run and checks that every printed seq survived.
enum AuditStress {
    /// Appends `count` records to the log at `path` from `concurrency` writers; checkpoints signed with `key` and
    /// `certificate` every `every` records when both are given.
    static func run(
        path: String, count: Int, key: String?, certificate: String?, every: Int, concurrency: Int
    ) async throws {
        var signer: AuditCheckpointSigner?
        if let key, let certificate {
            signer = try AuditCheckpointSigner(
                key: SigningKey.load(from: URL(fileURLWithPath: key)),
                chain: Certificate.loadChain(from: URL(fileURLWithPath: certificate)), everyRecords: every)
        }
        let log = try AuditLog(path: path, subjectKey: Array("stress-subject-key".utf8), checkpoints: signer)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<concurrency {
                group.addTask {
                    var index = worker
                    while index < count {
                        let record = try await log.append(
                            AuditEvent(
                                time: Date(), requestID: "stress-\(index)", consumer: "VN/GOV/BTC/DKKD",
                                provider: "VN/GOV/BCA/DANCU", service: "VN/GOV/BCA/DANCU/person",
                                purpose: "stress", subjectKey: "0790850\(index % 100_000)", fields: ["fullName"],
                                outcome: .allowed, status: 200, latencyMicroseconds: 100))
                        // One write(2) per line: pipe writes this small are atomic, and nothing sits in a buffer
                        // when the process is killed.
                        let line = Array("\(record.seq)\n".utf8)
                        _ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
                        index += concurrency
                    }
                }
            }
            try await group.waitForAll()
        }
        log.close()
    }
}
