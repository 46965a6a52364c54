import Glibc

/// A counting semaphore between plain threads (POSIX `sem_t`): a post made before the wait is kept.
///
/// How the node's own threads (the audit writer, its indexer, the ``BlockingPool``) sleep until work arrives. Plain
/// POSIX rather than `DispatchSemaphore`: a `DispatchSemaphore` here once crashed while being released as the
/// writer thread exited (not understood); `sem_t` involves no dispatch object.
package final class ThreadSemaphore: @unchecked Sendable {
    // @unchecked: a sem_t is made for use from several threads; its address never changes.
    private let semaphore = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)

    /// A semaphore with count 0.
    package init() {
        sem_init(semaphore, 0, 0)
    }

    deinit {
        sem_destroy(semaphore)
        semaphore.deallocate()
    }

    /// Adds one to the count, waking one waiter.
    package func post() {
        sem_post(semaphore)
    }

    /// Waits until the count is positive, then takes one.
    package func wait() {
        while sem_wait(semaphore) != 0 && errno == EINTR {}
    }

    /// Waits at most `seconds` (on the wall clock) for the count to be positive.
    /// - Returns: whether one was taken; `false` when the time passed.
    package func wait(seconds: Double) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_REALTIME, &deadline)
        let whole = Int(seconds.rounded(.down))
        let nanoseconds = deadline.tv_nsec + Int((seconds - Double(whole)) * 1e9)
        deadline.tv_sec += whole + nanoseconds / 1_000_000_000
        deadline.tv_nsec = nanoseconds % 1_000_000_000
        while sem_timedwait(semaphore, &deadline) != 0 {
            if errno != EINTR { return false }
        }
        return true
    }
}
