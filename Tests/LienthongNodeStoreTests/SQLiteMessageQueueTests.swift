import Foundation
import LienthongNodeStore
import LienthongStorage
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

    @Test func aMessageDueLaterIsNotClaimedBeforeItsTime() async throws {
        try await contract().aMessageDueLaterIsNotClaimedBeforeItsTime()
    }

    @Test func readReceiptsDueToGoBackAreListedUntilReturned() async throws {
        try await contract().readReceiptsDueToGoBackAreListedUntilReturned()
    }

    /// A file made before read receipts went back to other nodes has no `receipt_return_ms`: opening it adds it.
    @Test func aFileWithoutTheReturnColumnGetsIt() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-messages-\(UUID()).sqlite")
        // Closed when it goes out of scope.
        do {
            let old = try SQLiteDatabase(path: file.path, mode: .readWriteCreate)
            try old.execute(
                """
                CREATE TABLE messages (
                    id TEXT PRIMARY KEY, sender TEXT NOT NULL, recipient TEXT NOT NULL, purpose TEXT NOT NULL,
                    subject TEXT NOT NULL, envelope BLOB NOT NULL, message_hash TEXT NOT NULL,
                    accepted_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL, state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_ms INTEGER, delivered_ms INTEGER,
                    inbox_sequence INTEGER UNIQUE, acknowledged_ms INTEGER, delivery_receipt BLOB, read_receipt BLOB,
                    last_error TEXT);
                """)
        }
        try await MessageQueueContract { try SQLiteMessageQueue(path: file) }
            .readReceiptsDueToGoBackAreListedUntilReturned()
    }

    @Test func aBatchIsDeliveredInItsOrderOnce() async throws { try await contract().aBatchIsDeliveredInItsOrderOnce() }
    @Test func aBatchIsAcceptedInItsOrderOnce() async throws { try await contract().aBatchIsAcceptedInItsOrderOnce() }

    @Test func attachmentFilesRoundTrip() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-attachments-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await MessageQueueContract.attachmentsRoundTrip(try FileAttachmentStore(directory: folder))
        let incoming = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("incoming").path)
        #expect(incoming.isEmpty, "every upload was renamed or removed")
    }
}
