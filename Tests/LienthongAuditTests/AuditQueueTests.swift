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

    @Test func gatherReturnsAtOnceWhenEnoughIsPending() {
        let queue = AuditQueue<Int>()
        #expect(queue.enqueue(1))
        #expect(queue.enqueue(2))
        #expect(queue.gather(count: 2, seconds: 0))
    }

    @Test func gatherTimesOutWhenTooFewArrive() {
        let queue = AuditQueue<Int>()
        #expect(queue.enqueue(1))
        #expect(!queue.gather(count: 2, seconds: 0.01))
        #expect(queue.take()?.elements == [1])
    }

    @Test func gatherEndsWhenTheTargetArrivesFromAnotherThread() {
        let queue = AuditQueue<Int>()
        let appender = Thread {
            for element in 1...3 { _ = queue.enqueue(element) }
        }
        appender.start()
        // Signalled by the third enqueue (or satisfied at once if it came first); a minute is never reached.
        #expect(queue.gather(count: 3, seconds: 60))
        #expect(queue.take()?.elements == [1, 2, 3])
    }

    @Test func closeEndsAGather() {
        let queue = AuditQueue<Int>()
        let closer = Thread { queue.close() }
        closer.start()
        #expect(queue.gather(count: 5, seconds: 60))
        #expect(queue.take()?.closing == true)
    }

    @Test func everyCloserReturnsOnceTheWriterFinished() {
        let queue = AuditQueue<Int>()
        queue.finish()
        queue.waitUntilFinished()
        queue.waitUntilFinished()
    }
}
