import LienthongAudit
import LienthongJSON

/// The audit log's state as the admin listener shows it (`GET /v1/audit`, the dashboard): head, last checkpoint and
/// the records since, writer counters, and whether the start check found a break.
struct AuditChainStatus: Sendable {
    var enabled: Bool
    var headSeq: Int
    var queueDepth: Int
    var batches: Int
    var recordsSinceStart: Int
    var failedBatches: Int
    /// The break the start check found and no seal has covered yet.
    var unverifiedBreak: (seq: Int, failure: String)?
    var lastCheckpoint: (seq: Int, time: String)?

    /// Records appended after the last checkpoint; `nil` without one.
    var recordsSinceCheckpoint: Int? { lastCheckpoint.map { headSeq - $0.seq } }

    var json: JSONValue {
        var body: JSONObject = [
            "enabled": .bool(enabled),
            "headSeq": .number(JSONNumber(headSeq)),
            "queueDepth": .number(JSONNumber(queueDepth)),
            "batches": .number(JSONNumber(batches)),
            "recordsSinceStart": .number(JSONNumber(recordsSinceStart)),
            "failedBatches": .number(JSONNumber(failedBatches)),
        ]
        if let unverifiedBreak {
            body["unverifiedBreak"] = [
                "seq": .number(JSONNumber(unverifiedBreak.seq)), "failure": .string(unverifiedBreak.failure),
            ]
        }
        if let lastCheckpoint, let since = recordsSinceCheckpoint {
            body["lastCheckpoint"] = [
                "seq": .number(JSONNumber(lastCheckpoint.seq)), "time": .string(lastCheckpoint.time),
            ]
            body["recordsSinceCheckpoint"] = .number(JSONNumber(since))
        }
        return .object(body)
    }
}

extension AuditChainStatus {
    /// The state of the node's audit log now.
    init(_ audit: AuditRecorder) {
        let statistics = audit.log.statistics
        self.init(
            enabled: audit.enabled, headSeq: statistics.headSeq, queueDepth: statistics.queueDepth,
            batches: statistics.batches, recordsSinceStart: statistics.records, failedBatches: statistics.failedBatches,
            unverifiedBreak: audit.log.unverifiedBreak.map { (Int($0.seq), $0.failure.rawValue) },
            lastCheckpoint: (try? audit.log.lastCheckpoint()).flatMap { $0 }.map { (Int($0.seq), $0.time) })
    }
}
