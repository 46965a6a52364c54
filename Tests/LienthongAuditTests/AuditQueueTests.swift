import Foundation
import Testing

@testable import LienthongAudit

struct AuditQueueTests {
    @Test func takeReturnsWhatIsPendingInOrderThenNothing() {
        let queue = AuditQueue<Int>()
        #expect(queue.enqueue(1))
        #expect(queue.enqueue(2))
        #expect(queue.take()?.elements == [1, 2])
        #expect(queue.take() == nil)
    }

    @Test func aWakeUpSentBeforeTheWriterSleepsIsKept() {
        let queue = AuditQueue<Int>()
        #expect(queue.take() == nil)  // the writer is now idle
        #expect(queue.enqueue(7))  // signals it before it sleeps
        #expect(queue.sleep(seconds: nil))  // returns at once: the signal was kept
        #expect(queue.take()?.elements == [7])
    }

    @Test func aBusyWriterIsNotSignalled() {
        let queue = AuditQueue<Int>()
        #expect(queue.enqueue(1))  // the writer never said it was idle
        #expect(!queue.sleep(seconds: 0.01))  // so nothing woke it
    }

    @Test func closeRefusesNewElementsAndWakesTheWriterToDrain() {
        let queue = AuditQueue<Int>()
        #expect(queue.enqueue(1))
        #expect(queue.take()?.elements == [1])
        #expect(queue.take() == nil)
        queue.close()
        #expect(!queue.enqueue(2))
        #expect(queue.sleep(seconds: nil))
        let last = queue.take()
        #expect(last?.elements == [])
        #expect(last?.closing == true)
    }

    @Test func everyCloserReturnsOnceTheWriterFinished() {
        let queue = AuditQueue<Int>()
        queue.finish()
        queue.waitUntilFinished()
        queue.waitUntilFinished()
    }
}
