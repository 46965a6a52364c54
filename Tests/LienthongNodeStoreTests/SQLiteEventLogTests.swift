import Foundation
import LienthongNodeStore
import Testing

/// The embedded event log: ``EventLogContract`` on a SQLite file, reopened between its steps.
struct SQLiteEventLogTests {
    func contract() -> EventLogContract {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-events-\(UUID()).sqlite")
        return EventLogContract { try SQLiteEventLog(path: file) }
    }

    @Test func eventsContinueTheSequenceWithTheirCursorAndSurviveReopening() throws {
        try contract().eventsContinueTheSequenceWithTheirCursorAndSurviveReopening()
    }

    @Test func anAppendFromAStateThatMovedOnIsRefusedAndNothingMoves() throws {
        try contract().anAppendFromAStateThatMovedOnIsRefusedAndNothingMoves()
    }

    @Test func retentionKeepsTheNewestByCountAndDropsTheOldByAge() throws {
        try contract().retentionKeepsTheNewestByCountAndDropsTheOldByAge()
    }

    @Test func aSubscriptionIsItsConsumersToEnd() throws { try contract().aSubscriptionIsItsConsumersToEnd() }
}
