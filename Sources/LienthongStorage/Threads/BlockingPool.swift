internal import CLienthongShims
import Foundation
import Synchronization

/// The one bounded pool of threads for the blocking work that remains on a node: reading a month of audit records
/// for a report, a person's accesses, an export. Such work must not run on an event loop (it would stall every other
/// connection of that loop) nor on Swift's cooperative pool (it would take one of its few threads).
///
/// Its threads start on first use and live as long as the process; jobs run in the order they were submitted.
///
/// ```swift
/// let records = try await BlockingPool.shared.run { () throws(AuditError) in try log.records(from: start, to: end) }
/// ```
public final class BlockingPool: Sendable {
    /// The node's pool: two threads, so one long report leaves room for a second caller.
    public static let shared = BlockingPool(threads: 2)

    private struct State {
        var jobs: [@Sendable () -> Void] = []
        var started = false
    }

    /// The most jobs running at once.
    public let threads: Int
    private let state = Mutex(State())
    private let ready = ThreadSemaphore()

    /// Creates a pool of `threads` threads (at least one), started on first use.
    public init(threads: Int) {
        self.threads = max(1, threads)
    }

    /// Runs `body` on one of the pool's threads and returns its result to the calling task.
    /// - Parameter body: Blocking, synchronous work; the calling task waits for it without holding a thread.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws.
    public func run<T: Sendable, Failure: Error>(
        _ body: @escaping @Sendable () throws(Failure) -> T
    ) async throws(Failure) -> T {
        let result: Result<T, Failure> = await withCheckedContinuation { continuation in
            submit { continuation.resume(returning: Result { () throws(Failure) in try body() }) }
        }
        return try result.get()
    }

    private func submit(_ job: @escaping @Sendable () -> Void) {
        let start = state.withLock { state -> Bool in
            state.jobs.append(job)
            defer { state.started = true }
            return !state.started
        }
        if start {
            for index in 0..<threads {
                Thread { [self] in
                    lt_name_current_thread("lienthong-block-\(index)")
                    work()
                }.start()
            }
        }
        ready.post()
    }

    private func work() {
        while true {
            ready.wait()
            guard let job = state.withLock({ $0.jobs.isEmpty ? nil : $0.jobs.removeFirst() }) else { continue }
            job()
        }
    }
}
