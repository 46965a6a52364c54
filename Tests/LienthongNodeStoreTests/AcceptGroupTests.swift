import Foundation
@testable import LienthongNodeStore
import Synchronization
import Testing

/// The embedded queue's group commit: concurrent sends each answered for their own message, every message stored
/// once, and a failed commit failing its sends, not the next ones.
struct AcceptGroupTests {
    static func message(_ id: String) -> QueuedMessage {
        let time = Date(timeIntervalSince1970: 1_800_000_000)
        return QueuedMessage(
            id: id, sender: "VN/GOV/HCM/MOTCUA", recipient: "VN/GOV/BTC/THUE", purpose: "tax-administration",
            subject: "Công văn \(id)", envelope: Array("{\"id\":\"\(id)\"}".utf8), messageHash: "hash-\(id)",
            attachments: [], acceptedAt: time, expiresAt: time + 3600)
    }

    /// 64 sends at once, each id twice: every id is stored once (one answer `.stored`, the other `.duplicate` of the
    /// same message, whether the two shared a group or not) and the queue holds the 32 messages.
    @Test func concurrentSendsAreEachAnsweredAndStoredOnce() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-accept-\(UUID()).sqlite")
        defer { try? FileManager.default.removeItem(at: file) }
        let queue = try SQLiteMessageQueue(path: file)
        let ids = (0..<32).map { "m\($0)" }
        let answers = try await withThrowingTaskGroup(of: (String, MessageAcceptance).self) { group in
            for id in ids + ids {
                group.addTask { (id, try await queue.accept(Self.message(id))) }
            }
            return try await group.reduce(into: [String: [MessageAcceptance]]()) { $0[$1.0, default: []].append($1.1) }
        }
        for id in ids {
            let both = answers[id] ?? []
            #expect(both.filter { $0 == .stored }.count == 1, "\(id)")
            let repeated = both.compactMap { answer -> String? in
                if case .duplicate(let first) = answer { return first.message.id }
                return nil
            }
            #expect(repeated == [id])
        }
        #expect(try queue.due(at: Date(timeIntervalSince1970: 1_800_000_001), limit: 100).count == 32)
    }

    /// A commit that fails fails the send it held, and the next send commits again.
    @Test func aFailedCommitFailsItsSendAndTheNextOneCommits() async throws {
        let accepting = AcceptGroup()
        let failing = Mutex(true)
        let commit: ([QueuedMessage]) throws(MessageQueueError) -> [MessageAcceptance] = {
            messages throws(MessageQueueError) in
            if failing.withLock({ $0 }) { throw MessageQueueError(.storage, "disk full") }
            return messages.map { _ in .stored }
        }
        await #expect(throws: MessageQueueError.self) { try await accepting.accept(Self.message("m1"), commit: commit) }
        failing.withLock { $0 = false }
        #expect(try await accepting.accept(Self.message("m2"), commit: commit) == .stored)
    }
}
