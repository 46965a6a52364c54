import Foundation
import LienthongAudit
import Testing

struct AuditCheckpointScheduleTests {
    let start = Date(timeIntervalSince1970: 1_795_000_000)

    @Test func countRuleFiresAtEveryRecordsSinceTheLastCheckpoint() {
        var schedule = AuditCheckpointSchedule(everyRecords: 10, interval: 60, lastSeq: 0, lastTime: start)
        #expect(schedule.decide(head: 9, at: start) == .none)
        #expect(schedule.decide(head: 10, at: start) == .checkpoint(reason: .count))
        schedule.checkpointed(seq: 10, at: start)
        #expect(schedule.decide(head: 19, at: start + 1) == .none)
        #expect(schedule.decide(head: 25, at: start + 1) == .checkpoint(reason: .count))
    }

    @Test func intervalRuleFiresOnlyWhenRecordsWait() {
        var schedule = AuditCheckpointSchedule(everyRecords: 1000, interval: 60, lastSeq: 4, lastTime: start)
        #expect(schedule.decide(head: 4, at: start + 3600) == .none)
        #expect(schedule.deadline(head: 4) == nil)
        #expect(schedule.decide(head: 5, at: start + 59.999) == .none)
        #expect(schedule.deadline(head: 5) == start + 60)
        #expect(schedule.decide(head: 5, at: start + 60) == .checkpoint(reason: .interval))
        schedule.checkpointed(seq: 5, at: start + 60)
        #expect(schedule.lastSeq == 5)
        #expect(schedule.deadline(head: 6) == start + 120)
    }

    @Test func closeSignsOnlyUnprotectedRecords() {
        var schedule = AuditCheckpointSchedule(everyRecords: 1000, interval: 60, lastSeq: 0, lastTime: start)
        #expect(schedule.decideOnClose(head: 0) == .none)
        #expect(schedule.decideOnClose(head: 3) == .checkpoint(reason: .close))
        schedule.checkpointed(seq: 3, at: start)
        #expect(schedule.decideOnClose(head: 3) == .none)
    }
}
