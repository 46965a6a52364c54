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

    @Test func aMessageIsStoredOnceAndDeliveredOnce() async throws { try await contract().aMessageIsStoredOnceAndDeliveredOnce() }

    @Test func failedAttemptsBackOffThenDeadLettersAreRequeued() async throws {
        try await contract().failedAttemptsBackOffThenDeadLettersAreRequeued()
    }

    @Test func aClaimTakesTheDueMessagesOldestFirst() async throws { try await contract().aClaimTakesTheDueMessagesOldestFirst() }

    @Test func aBatchIsDeliveredInItsOrderOnce() async throws { try await contract().aBatchIsDeliveredInItsOrderOnce() }

    @Test func attachmentFilesRoundTrip() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-attachments-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try MessageQueueContract.attachmentsRoundTrip(try FileAttachmentStore(directory: folder))
        let incoming = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("incoming").path)
        #expect(incoming.isEmpty, "every upload was renamed or removed")
    }
}
