import Foundation
import LienthongStorage

/// The hand-off between appenders and the audit writer thread: what is pending, whether the log is closing, and the
/// writer's wake-up.
///
/// Appenders signal the writer only when it sleeps, so a busy writer costs them no system call; a signal sent just
/// before the writer sleeps stays in the semaphore and is not lost.
final class AuditQueue<Element: Sendable>: @unchecked Sendable {
    // @unchecked: every mutable member is guarded by `lock`; the semaphores are made for use between threads.
    private let lock = NSLock()
    private var pending: [Element] = []
    private var closing = false
    /// The writer found nothing to do and sleeps on `wake` (or is about to).
    private var writerIdle = false
    private let wake = ThreadSemaphore()
    /// While the writer gathers a batch: how many pending elements end the wait early (0: not gathering).
    private var gatherTarget = 0
    private let gathered = ThreadSemaphore()
    private let finished = ThreadSemaphore()

    /// How many elements wait for the writer now.
    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return pending.count
    }

    /// Adds an element for the writer; `false` once ``close()`` was called.
    func enqueue(_ element: Element) -> Bool {
        lock.lock()
        guard !closing else {
            lock.unlock()
            return false
        }
        pending.append(element)
        let idle = claimIdleWriter()
        let full = gatherTarget > 0 && pending.count >= gatherTarget
        if full { gatherTarget = 0 }
        lock.unlock()
        if idle { wake.post() }
        if full { gathered.post() }
        return true
    }

    /// Stops taking elements and wakes the writer so that it drains what is pending.
    func close() {
        lock.lock()
        closing = true
        let idle = claimIdleWriter()
        let gathering = gatherTarget > 0
        gatherTarget = 0
        lock.unlock()
        if idle { wake.post() }
        if gathering { gathered.post() }
    }

    /// For the writer: everything pending, and whether the log is closing; `nil` when there is nothing to do, after
    /// which the writer calls ``sleep(seconds:)``.
    func take() -> (elements: [Element], closing: Bool)? {
        lock.lock()
        defer { lock.unlock() }
        guard !pending.isEmpty || closing else {
            writerIdle = true
            return nil
        }
        var elements: [Element] = []
        swap(&elements, &pending)
        return (elements, closing)
    }

    /// For the writer: sleeps until an element or ``close()`` arrives (`true`) or `seconds` pass (`false`).
    func sleep(seconds: Double?) -> Bool {
        guard let seconds else {
            wake.wait()
            return true
        }
        return seconds > 0 && wake.wait(seconds: seconds)
    }

    /// For the writer: waits until `count` elements are pending (`true`) or `seconds` pass (`false`), or the log
    /// is closing (`true`).
    ///
    /// A signal that arrives just after the timeout stays in the semaphore and only shortens the next gather.
    @discardableResult
    func gather(count: Int, seconds: Double) -> Bool {
        lock.lock()
        let enough = pending.count >= count || closing
        gatherTarget = enough ? 0 : count
        lock.unlock()
        guard !enough else { return true }
        let signalled = gathered.wait(seconds: seconds)
        lock.lock()
        gatherTarget = 0
        lock.unlock()
        return signalled
    }

    /// For the writer: it stopped; ``waitUntilFinished()`` returns.
    func finish() {
        finished.post()
    }

    /// Waits until the writer called ``finish()``.
    func waitUntilFinished() {
        finished.wait()
        // Let any other caller through as well.
        finished.post()
    }

    /// Whether the writer must be signalled (once per sleep). Called with `lock` held.
    private func claimIdleWriter() -> Bool {
        defer { writerIdle = false }
        return writerIdle
    }
}
