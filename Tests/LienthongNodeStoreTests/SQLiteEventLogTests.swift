import Foundation
import LienthongNodeStore
import Testing

/// The embedded event log: ``EventLogContract`` on a SQLite file, reopened between its steps.
struct SQLiteEventLogTests {
    func contract() -> EventLogContract {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-events-\(UUID()).sqlite")
        return EventLogContract { try SQLiteEventLog(path: file) }
    }

    @Test func eventsContinueTheSequenceWithTheirCursorAndSurviveReopening() async throws {
        try await contract().eventsContinueTheSequenceWithTheirCursorAndSurviveReopening()
    }

    @Test func anAppendFromAStateThatMovedOnIsRefusedAndNothingMoves() async throws {
        try await contract().anAppendFromAStateThatMovedOnIsRefusedAndNothingMoves()
    }

    @Test func retentionKeepsTheNewestByCountAndDropsTheOldByAge() async throws {
        try await contract().retentionKeepsTheNewestByCountAndDropsTheOldByAge()
    }

    @Test func aSubscriptionIsItsConsumersToEnd() async throws {
        try await contract().aSubscriptionIsItsConsumersToEnd()
    }
}
