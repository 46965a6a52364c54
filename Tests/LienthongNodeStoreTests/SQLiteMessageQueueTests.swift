import Foundation
import LienthongNodeStore
import Testing

/// The embedded message queue: once per id, into the inbox once, acknowledged by its recipient only, dead letters
/// requeued; and what it holds survives reopening the file.
struct SQLiteMessageQueueTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func path() -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-messages-\(UUID()).sqlite")
    }

    func message(_ id: String, accepted offset: TimeInterval = 0) -> QueuedMessage {
        QueuedMessage(
            id: id, sender: "VN/GOV/HCM/MOTCUA", recipient: "VN/GOV/BTC/THUE", purpose: "tax-administration",
            subject: "Công văn", envelope: Array("{}".utf8), messageHash: "hash-\(id)",
            attachments: [.init(name: "a.pdf", mediaType: "application/pdf", sha256: "s", length: 3)],
            acceptedAt: now + offset, expiresAt: now + 3600)
    }

    @Test func aMessageIsStoredOnceAndDeliveredOnce() throws {
        let file = path()
        let queue = try SQLiteMessageQueue(path: file)
        #expect(try queue.accept(message("m1")) == .stored)
        #expect(try queue.accept(message("m2", accepted: 1)) == .stored)
        guard case .duplicate(let first) = try queue.accept(message("m1")) else {
            Issue.record("a second accept of m1 stored it again")
            return
        }
        #expect(first.state == .queued)
        #expect(first.message == message("m1"))
        #expect(try queue.due(at: now + 5, limit: 10).map(\.message.id) == ["m1", "m2"])

        #expect(try queue.deliver(id: "m2", receipt: [1], at: now + 2))
        #expect(try queue.deliver(id: "m1", receipt: [2], at: now + 3))
        #expect(try !queue.deliver(id: "m1", receipt: [3], at: now + 4), "delivered once")
        #expect(try queue.due(at: now + 5, limit: 10).isEmpty)
        #expect(try queue.inbox(recipient: "VN/GOV/BTC/THUE", limit: 10).map(\.message.id) == ["m2", "m1"])
        #expect(try queue.inbox(recipient: "VN/GOV/HCM/MOTCUA", limit: 10).isEmpty)

        #expect(try !queue.acknowledge(id: "m1", recipient: "VN/GOV/HCM/MOTCUA", receipt: [9], at: now + 6))
        #expect(try queue.acknowledge(id: "m1", recipient: "VN/GOV/BTC/THUE", receipt: [9], at: now + 6))
        #expect(try queue.inbox(recipient: "VN/GOV/BTC/THUE", limit: 10).map(\.message.id) == ["m2"])

        // Reopened, the file holds the same.
        let reopened = try SQLiteMessageQueue(path: file)
        let record = try #require(try reopened.record(id: "m1"))
        #expect(record.state == .acknowledged)
        #expect(record.deliveryReceipt == [2] && record.readReceipt == [9])
        #expect(record.message.attachments == message("m1").attachments)
    }

    @Test func failedAttemptsBackOffThenDeadLettersAreRequeued() throws {
        let queue = try SQLiteMessageQueue(path: path())
        _ = try queue.accept(message("m1"))
        try queue.retry(id: "m1", nextAttemptAt: now + 10, error: "message.unknown-recipient")
        #expect(try queue.due(at: now + 9, limit: 10).isEmpty)
        #expect(try queue.due(at: now + 10, limit: 10).map(\.attempts) == [1])
        try queue.deadLetter(id: "m1", error: "message.expired")
        #expect(try queue.due(at: now + 100, limit: 10).isEmpty)
        #expect(try queue.deadLetters().map(\.lastError) == ["message.expired"])
        #expect(try queue.requeue(id: "m1", at: now + 200, expiresAt: now + 900))
        #expect(try !queue.requeue(id: "m1", at: now + 200, expiresAt: now + 900), "only a dead letter")
        let due = try queue.due(at: now + 200, limit: 10)
        #expect(due.map(\.message.id) == ["m1"])
        #expect(due.first?.message.expiresAt == now + 900)
        #expect(try queue.deadLetters().isEmpty)
    }
}
