import Foundation
import LienthongAudit
import LienthongJSON
import Testing
import LienthongCore

struct AuditReportTests {
    let november = AuditMonth("2026-11")!

    func record(
        _ seq: Int64, at time: String, consumer: String? = "VN/GOV/BTC/DKKD", service: String = "VN/GOV/BCA/DANCU/person",
        outcome: AuditEvent.Outcome = .allowed, problem: String? = nil, latency: Int
    ) -> AuditRecord {
        AuditRecord(
            seq: seq, recordedAt: time, requestID: "r\(seq)", consumer: consumer, provider: "VN/GOV/BCA",
            service: service, outcome: outcome, status: outcome == .allowed ? 200 : 403, problemCode: problem,
            latencyMicroseconds: latency, prevHash: "", hash: "")
    }

    var records: [AuditRecord] {
        [
            record(1, at: "2026-10-31T23:59:59.999Z", latency: 1),  // October: ignored
            record(2, at: "2026-11-01T00:00:00.000Z", latency: 100),
            record(3, at: "2026-11-02T08:00:00.000Z", consumer: "VN/GOV/HCM/MOTCUA", latency: 300),
            record(4, at: "2026-11-03T08:00:00.000Z", outcome: .denied, problem: "access-denied", latency: 50),
            record(5, at: "2026-11-04T08:00:00.000Z", consumer: nil, outcome: .denied, problem: "unauthenticated",
                   latency: 20),
            record(6, at: "2026-11-05T08:00:00.000Z", service: "VN/GOV/BKHDT/DKKD/enterprise", outcome: .failed,
                   problem: "upstream-timeout", latency: 5000),
            record(7, at: "2026-11-30T23:59:59.999Z", outcome: .denied, problem: "access-denied", latency: 200),
            record(8, at: "2026-12-01T00:00:00.000Z", latency: 9),  // December: ignored
        ]
    }

    @Test func aggregatesOneMonth() {
        let report = AuditReport.monthly(records: records, month: november)
        #expect(report.totals.total == 6)
        #expect(report.totals.allowed == 2)
        #expect(report.totals.denied == 3)
        #expect(report.totals.failed == 1)
        #expect(report.byConsumer["VN/GOV/BTC/DKKD"]?.total == 4)
        #expect(report.byConsumer["VN/GOV/BTC/DKKD"]?.denied == 2)
        #expect(report.byConsumer["VN/GOV/HCM/MOTCUA"]?.allowed == 1)
        #expect(report.byConsumer[AuditReport.unknown]?.denied == 1)
        #expect(report.byProvider["VN/GOV/BCA"]?.total == 6)
        #expect(report.byService["VN/GOV/BKHDT/DKKD/enterprise"]?.failed == 1)
        #expect(report.denialsByReason == ["access-denied": 2, "unauthenticated": 1])
        // Sorted latencies: 20 50 100 200 300 5000; nearest rank p50 = 3rd, p99 = 6th.
        #expect(report.latencyP50 == 100)
        #expect(report.latencyP99 == 5000)
    }

    @Test func emptyMonthHasNoLatency() {
        let report = AuditReport.monthly(records: records, month: AuditMonth("2025-01")!)
        #expect(report.totals.total == 0)
        #expect(report.latencyP50 == nil)
        #expect(report.json["latencyMicroseconds"]?["p99"] == .null)
    }

    @Test func csvAndJSONCarryTheSameNumbers() throws {
        let report = AuditReport.monthly(records: records, month: november)
        let rows = report.csv.split(separator: "\r\n").map(String.init)
        #expect(rows.first == "section,key,total,allowed,denied,failed")
        #expect(rows.contains("outcome,all,6,2,3,1"))
        #expect(rows.contains("consumer,VN/GOV/BTC/DKKD,4,1,2,1"))
        #expect(rows.contains("denial,access-denied,2,,,"))
        #expect(rows.contains("latency-us,p99,5000,,,"))
        #expect(report.json["month"] == "2026-11")
        #expect(report.json["byService"]?["VN/GOV/BCA/DANCU/person"]?["total"] == 5)
        #expect(report.json["denialsByReason"]?["unauthenticated"] == 1)
    }

    @Test func recordsFromToReadsOneMonthFromTheLog() async throws {
        let path = temporaryDirectory().appendingPathComponent("audit.sqlite").path
        let log = try AuditLog(path: path, subjectKey: Array("k".utf8))
        for (index, day) in [("2026-10-31T23:00:00Z"), ("2026-11-01T00:00:00Z"), ("2026-11-15T12:00:00Z"),
            ("2026-12-01T00:00:00Z")].enumerated()
        {
            _ = try await log.append(auditEvent(index + 1, time: Timestamp.parse(day)!))
        }
        let month = try log.records(from: november.start, to: november.end)
        log.close()
        #expect(month.map(\.seq) == [2, 3])
        #expect(AuditReport.monthly(records: month, month: november).totals.total == 2)
    }
}
