internal import CEvent
private import Glibc
import Synchronization

// The loop as a Swift `TaskExecutor` (SE-0417): the one way work reaches a loop thread. Jobs queue in the inbox and
// run on the loop thread when its wake-up event fires, after the I/O callbacks of that turn.
extension EventLoop: TaskExecutor {
    /// Queues `job` for the loop thread; once the loop has stopped, the job runs on the global executor instead,
    /// so a task that outlives its loop still finishes (it then finds the loop gone, see ``isLoopThread``).
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let accepted = inbox.withLock { inbox -> Bool in
            guard !inbox.closed else { return false }
            inbox.jobs.append(job)
            Self.schedule(&inbox)
            return true
        }
        if !accepted { globalConcurrentExecutor.enqueue(ExecutorJob(job)) }
    }

    /// Whether the caller runs on this loop's thread while the loop is up: loop-only state may be touched then.
    var isLoopThread: Bool {
        let owner = thread.load(ordering: .acquiring)
        return owner != 0 && pthread_equal(pthread_self(), owner) != 0
    }

    /// Runs `body` on the loop thread: at once when the caller is there, else after a hop through the job queue.
    /// - Returns: `body`'s value, or `otherwise` when the loop has stopped.
    func onLoop<T: Sendable>(otherwise: T, _ body: @escaping @Sendable () async -> T) async -> T {
        if isLoopThread { return await body() }
        guard !inbox.withLock({ $0.closed }) else { return otherwise }
        return await withTaskExecutorPreference(self) {
            // The hop lands on the global executor instead if the loop stopped meanwhile.
            isLoopThread ? await body() : otherwise
        }
    }

    /// Runs the queued jobs on the loop thread (from the wake-up callback).
    func runJobs(_ jobs: [UnownedJob]) {
        let executor = asUnownedTaskExecutor()
        for job in jobs { job.runSynchronously(on: executor) }
    }

    /// Hands jobs still queued when the loop stops to the global executor, so no task is lost.
    static func forward(_ jobs: [UnownedJob]) {
        for job in jobs { globalConcurrentExecutor.enqueue(ExecutorJob(job)) }
    }
}
