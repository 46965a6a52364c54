import Foundation
import LienthongNodeStore
import LienthongTrust
import Testing

/// What every ``MessageQueue`` and ``AttachmentStore`` engine does, one body run on each: once per id, into the
/// inbox once, acknowledged by its recipient only, dead letters requeued, what it holds survives reopening; and
/// attachment bytes stored once per content and read back in order.
struct MessageQueueContract {
    /// A new queue on the same storage each call (a reopened file, a new connection).
    let open: () throws -> any MessageQueue
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func message(_ id: String, accepted offset: TimeInterval = 0) -> QueuedMessage {
        QueuedMessage(
            id: id, sender: "VN/GOV/HCM/MOTCUA", recipient: "VN/GOV/BTC/THUE", purpose: "tax-administration",
            subject: "Công văn", envelope: Array("{\"a\":\"\u{0}\u{ff}\"}".utf8) + [0, 255, 92],
            messageHash: "hash-\(id)",
            attachments: [
                .init(name: "a.pdf", mediaType: "application/pdf", sha256: "s", length: 3),
                .init(name: "b.txt", mediaType: "text/plain", sha256: "t", length: 4),
            ],
            acceptedAt: now + offset, expiresAt: now + 3600)
    }

    func aMessageIsStoredOnceAndDeliveredOnce() async throws {
        let queue = try open()
        #expect(try await queue.accept(message("m1")) == .stored)
        #expect(try await queue.accept(message("m2", accepted: 1)) == .stored)
        guard case .duplicate(let first) = try await queue.accept(message("m1")) else {
            Issue.record("a second accept of m1 stored it again")
            return
        }
        #expect(first.state == .queued)
        #expect(first.message == message("m1"))
        #expect(try await queue.due(at: now + 5, limit: 10).map(\.message.id) == ["m1", "m2"])

        #expect(try await queue.deliver(id: "m2", receipt: [1], at: now + 2))
        #expect(try await queue.deliver(id: "m1", receipt: [2], at: now + 3))
        #expect(try await !queue.deliver(id: "m1", receipt: [3], at: now + 4), "delivered once")
        #expect(try await queue.due(at: now + 5, limit: 10).isEmpty)
        #expect(try await queue.inbox(recipient: "VN/GOV/BTC/THUE", limit: 10).map(\.message.id) == ["m2", "m1"])
        #expect(try await queue.inbox(recipient: "VN/GOV/HCM/MOTCUA", limit: 10).isEmpty)

        #expect(try await !queue.acknowledge(id: "m1", recipient: "VN/GOV/HCM/MOTCUA", receipt: [9], at: now + 6))
        #expect(try await queue.acknowledge(id: "m1", recipient: "VN/GOV/BTC/THUE", receipt: [9], at: now + 6))
        #expect(try await queue.inbox(recipient: "VN/GOV/BTC/THUE", limit: 10).map(\.message.id) == ["m2"])

        // Reopened, the storage holds the same.
        let reopened = try open()
        let record = try #require(try await reopened.record(id: "m1"))
        #expect(record.state == .acknowledged)
        #expect(record.deliveryReceipt == [2] && record.readReceipt == [9])
        #expect(record.message == message("m1"))
        #expect(record.deliveredAt == now + 3 && record.acknowledgedAt == now + 6)
    }

    /// A message from another node, acknowledged here: its read receipt is due to go back from the time given, until
    /// the returning ends; one acknowledged without it is never due.
    func readReceiptsDueToGoBackAreListedUntilReturned() async throws {
        let queue = try open()
        for id in ["back", "local"] {
            _ = try await queue.accept(message(id))
            #expect(try await queue.deliver(id: id, receipt: [1], at: now + 1))
        }
        #expect(
            try await queue.acknowledge(
                id: "back", recipient: "VN/GOV/BTC/THUE", receipt: [7], at: now + 2, returnAt: now + 2))
        #expect(try await queue.acknowledge(id: "local", recipient: "VN/GOV/BTC/THUE", receipt: [8], at: now + 2))
        #expect(try await queue.receiptsToReturn(at: now + 1, limit: 10).isEmpty)
        let due = try await queue.receiptsToReturn(at: now + 2, limit: 10)
        #expect(due.map(\.message.id) == ["back"])
        #expect(due.first?.readReceipt == [7])

        try await queue.returnReceipt(id: "back", nextAttemptAt: now + 10)
        #expect(try await queue.receiptsToReturn(at: now + 9, limit: 10).isEmpty)
        #expect(try await open().receiptsToReturn(at: now + 10, limit: 10).map(\.message.id) == ["back"])
        try await queue.returnReceipt(id: "back", nextAttemptAt: nil)
        #expect(try await queue.receiptsToReturn(at: now + 3600, limit: 10).isEmpty)
    }

    /// A batch a bus consumer handed over: each id stored once (one stored before, or twice in the batch, is a
    /// repeat), due in the batch's order.
    func aBatchIsAcceptedInItsOrderOnce() async throws {
        let queue = try open()
        #expect(try await queue.accept(message("m1")) == .stored)
        let acceptances = try await queue.accept([message("m3"), message("m1"), message("m2"), message("m3")])
        #expect(acceptances.map { $0 == .stored } == [true, false, true, false])
        #expect(try await queue.due(at: now + 5, limit: 10).map(\.message.id) == ["m1", "m3", "m2"])
        #expect(try await open().record(id: "m2")?.message == message("m2"))
    }

    func aBatchIsDeliveredInItsOrderOnce() async throws {
        let queue = try open()
        for (offset, id) in ["b1", "b2", "b3"].enumerated() {
            #expect(try await queue.accept(message(id, accepted: TimeInterval(offset))) == .stored)
        }
        #expect(try await queue.deliver(id: "b2", receipt: [2], at: now + 1))
        let batch = ["b3", "b2", "b1"].map { MessageDelivery(id: $0, receipt: Array($0.utf8), receivedAt: now + 2) }
        #expect(try await queue.deliver(batch) == [true, false, true], "b2 was delivered already")
        #expect(try await queue.inbox(recipient: "VN/GOV/BTC/THUE", limit: 10).map(\.message.id) == ["b2", "b3", "b1"])
        let reopened = try open()
        #expect(try await reopened.record(id: "b1")?.deliveryReceipt == Array("b1".utf8))
        #expect(try await reopened.record(id: "b2")?.deliveryReceipt == [2])
    }

    func failedAttemptsBackOffThenDeadLettersAreRequeued() async throws {
        let queue = try open()
        _ = try await queue.accept(message("m1"))
        try await queue.retry(id: "m1", nextAttemptAt: now + 10, error: "message.unknown-recipient")
        #expect(try await queue.due(at: now + 9, limit: 10).isEmpty)
        #expect(try await queue.due(at: now + 10, limit: 10).map(\.attempts) == [1])
        try await queue.deadLetter(id: "m1", error: "message.expired")
        #expect(try await queue.due(at: now + 100, limit: 10).isEmpty)
        #expect(try await queue.deadLetters().map(\.lastError) == ["message.expired"])
        #expect(try await queue.requeue(id: "m1", at: now + 200, expiresAt: now + 900))
        #expect(try await !queue.requeue(id: "m1", at: now + 200, expiresAt: now + 900), "only a dead letter")
        let due = try await queue.due(at: now + 200, limit: 10)
        #expect(due.map(\.message.id) == ["m1"])
        #expect(due.first?.message.expiresAt == now + 900)
        #expect(try await queue.deadLetters().isEmpty)
    }

    func aClaimTakesTheDueMessagesOldestFirst() async throws {
        let queue = try open()
        for index in 0..<3 { _ = try await queue.accept(message("c\(index)", accepted: TimeInterval(2 - index))) }
        _ = try await queue.accept(message("later", accepted: 50))
        let claimed = try await queue.claim(at: now + 10, limit: 2, lease: .seconds(30))
        #expect(claimed.map(\.message.id) == ["c2", "c1"])
        #expect(claimed.first?.message == message("c2", accepted: 0))
        #expect(try await queue.deliver(id: "c2", receipt: [1], at: now + 11))
        #expect(try await !queue.deliver(id: "c2", receipt: [1], at: now + 12), "a delivered claim is delivered once")
    }

    /// A message another node handed over is due for the worker only at its `dueAt` (the receiving request delivers
    /// it meanwhile): not listed nor claimed before, claimed then; delivered by id before then, it is in the inbox.
    func aMessageDueLaterIsNotClaimedBeforeItsTime() async throws {
        let queue = try open()
        var later = message("later")
        later.dueAt = now + 30
        var handed = message("handed")
        handed.dueAt = now + 30
        #expect(try await queue.accept(later) == .stored)
        #expect(try await queue.accept([handed]) == [.stored])
        #expect(try await queue.accept(message("now", accepted: 1)) == .stored)
        #expect(try await queue.record(id: "later")?.nextAttemptAt == now + 30)
        #expect(try await queue.due(at: now + 29.999, limit: 10).map(\.message.id) == ["now"])
        #expect(try await queue.claim(at: now + 29.999, limit: 10, lease: .seconds(30)).map(\.message.id) == ["now"])

        #expect(try await queue.deliver(id: "now", receipt: [3], at: now + 2))
        #expect(try await queue.deliver(id: "handed", receipt: [4], at: now + 2))
        #expect(try await queue.inbox(recipient: "VN/GOV/BTC/THUE", limit: 10).map(\.message.id) == ["now", "handed"])
        #expect(try await open().record(id: "handed")?.deliveryReceipt == [4])
        #expect(try await open().due(at: now + 30, limit: 10).map(\.message.id) == ["later"])
        #expect(try await open().claim(at: now + 30, limit: 10, lease: .seconds(30)).map(\.message.id) == ["later"])
    }

    /// Attachment bytes written in uneven pieces come back whole and in order; the same content committed twice is
    /// one copy; a discarded upload leaves nothing under any name.
    static func attachmentsRoundTrip(_ store: any AttachmentStore) async throws {
        let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }
        let sha256 = Base64URL.encode(Digest.sha256(bytes))
        #expect(try await !store.contains(sha256: sha256))
        #expect(try store.open(sha256: sha256) == nil)
        for _ in 0..<2 {
            let sink = try store.begin()
            var offset = 0
            for size in [1, 65_535, 70_000, 3] + Array(repeating: 20_000, count: 4) {
                try await sink.write(Array(bytes[offset..<offset + size]))
                offset += size
            }
            try await sink.write(Array(bytes[offset...]))
            try await sink.finish()
            try await sink.commit(sha256: sha256)
            sink.keep()
        }
        #expect(try await store.contains(sha256: sha256))
        let source = try #require(try store.open(sha256: sha256))
        var read: [UInt8] = []
        var pieces = 0
        while let piece = try source.read() {
            #expect(piece.count <= 64 * 1024, "read a piece at a time")
            read += piece
            pieces += 1
        }
        source.close()
        #expect(read == bytes)
        #expect(pieces >= 4)

        let other = Array("discarded".utf8)
        let sink = try store.begin()
        try await sink.write(other)
        try await sink.finish()
        await sink.discard()
        #expect(try await !store.contains(sha256: Base64URL.encode(Digest.sha256(other))))
    }
}
