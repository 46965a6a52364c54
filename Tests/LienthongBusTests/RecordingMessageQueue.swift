import Foundation
import LienthongNodeStore
import Synchronization

/// A node store that counts the delivery writes it is asked for, around a real one.
final class RecordingMessageQueue: MessageQueue {
    let inner: any MessageQueue
    /// The sizes of the batches ``deliver(_:)`` received, and how many single deliveries came.
    let deliveries = Mutex<(batches: [Int], singles: Int)>(([], 0))

    init(_ inner: any MessageQueue) { self.inner = inner }

    func accept(_ message: QueuedMessage) async throws(MessageQueueError) -> MessageAcceptance {
        try await inner.accept(message)
    }
    func accept(_ messages: [QueuedMessage]) async throws(MessageQueueError) -> [MessageAcceptance] {
        try await inner.accept(messages)
    }
    func due(at now: Date, limit: Int) async throws(MessageQueueError) -> [MessageRecord] {
        try await inner.due(at: now, limit: limit)
    }
    func claim(at now: Date, limit: Int, lease: Duration) async throws(MessageQueueError) -> [MessageRecord] {
        try await inner.claim(at: now, limit: limit, lease: lease)
    }
    func deliver(id: String, receipt: [UInt8], at time: Date) async throws(MessageQueueError) -> Bool {
        deliveries.withLock { $0.singles += 1 }
        return try await inner.deliver(id: id, receipt: receipt, at: time)
    }
    func deliver(_ batch: [MessageDelivery]) async throws(MessageQueueError) -> [Bool] {
        deliveries.withLock { $0.batches.append(batch.count) }
        return try await inner.deliver(batch)
    }
    func retry(id: String, nextAttemptAt: Date, error: String) async throws(MessageQueueError) {
        try await inner.retry(id: id, nextAttemptAt: nextAttemptAt, error: error)
    }
    func deadLetter(id: String, error: String) async throws(MessageQueueError) {
        try await inner.deadLetter(id: id, error: error)
    }
    func record(id: String) async throws(MessageQueueError) -> MessageRecord? { try await inner.record(id: id) }
    func inbox(recipient: String, limit: Int) async throws(MessageQueueError) -> [MessageRecord] {
        try await inner.inbox(recipient: recipient, limit: limit)
    }
    func acknowledge(
        id: String, recipient: String, receipt: [UInt8], at time: Date, returnAt: Date?
    ) async throws(MessageQueueError) -> Bool {
        try await inner.acknowledge(id: id, recipient: recipient, receipt: receipt, at: time, returnAt: returnAt)
    }
    func receiptsToReturn(at now: Date, limit: Int) async throws(MessageQueueError) -> [MessageRecord] {
        try await inner.receiptsToReturn(at: now, limit: limit)
    }
    func returnReceipt(id: String, nextAttemptAt: Date?) async throws(MessageQueueError) {
        try await inner.returnReceipt(id: id, nextAttemptAt: nextAttemptAt)
    }
    func deadLetters() async throws(MessageQueueError) -> [MessageRecord] { try await inner.deadLetters() }
    func requeue(id: String, at now: Date, expiresAt: Date) async throws(MessageQueueError) -> Bool {
        try await inner.requeue(id: id, at: now, expiresAt: expiresAt)
    }
}
