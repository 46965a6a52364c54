import Foundation
import LienthongNodeStore
import Testing

/// The embedded message queue and attachment files: ``MessageQueueContract`` on a SQLite file and a folder.
struct SQLiteMessageQueueTests {
    func contract() -> MessageQueueContract {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lienthong-messages-\(UUID()).sqlite")
        return MessageQueueContract { try SQLiteMessageQueue(path: file) }
    }

    @Test func aMessageIsStoredOnceAndDeliveredOnce() throws { try contract().aMessageIsStoredOnceAndDeliveredOnce() }

    @Test func failedAttemptsBackOffThenDeadLettersAreRequeued() throws {
        try contract().failedAttemptsBackOffThenDeadLettersAreRequeued()
    }

    @Test func aClaimTakesTheDueMessagesOldestFirst() throws { try contract().aClaimTakesTheDueMessagesOldestFirst() }

    @Test func attachmentFilesRoundTrip() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-attachments-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try MessageQueueContract.attachmentsRoundTrip(try FileAttachmentStore(directory: folder))
        let incoming = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("incoming").path)
        #expect(incoming.isEmpty, "every upload was renamed or removed")
    }
}
