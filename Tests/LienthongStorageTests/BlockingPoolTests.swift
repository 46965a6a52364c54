import Foundation
import LienthongStorage
import LienthongTesting
import Synchronization
import Testing

struct BlockingPoolTests {
    struct Refused: Error, Equatable {}

    /// How many jobs run now, and the most that ran at once.
    final class Concurrency: Sendable {
        let state = Mutex((now: 0, most: 0))
    }

    @Test func workRunsOnThePoolsThreadsAndItsResultComesBack() async throws {
        let pool = BlockingPool(threads: 2)
        let name = await pool.run {
            // The kernel's name of the thread: at most 15 bytes of the name given to `Thread`.
            (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? ""
        }
        #expect(name.hasPrefix("lienthong-block"))
        #expect(await pool.run { 6 * 7 } == 42)
    }

    @Test func anErrorOfTheWorkIsThrownToTheCaller() async {
        let pool = BlockingPool(threads: 1)
        await #expect(throws: Refused()) {
            try await pool.run { () throws(Refused) -> Int in throw Refused() }
        }
    }

    @Test func noMoreJobsRunAtOnceThanThePoolHasThreads() async {
        let pool = BlockingPool(threads: 2)
        let running = Concurrency()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    await pool.run {
                        running.state.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
                        // A barrier, not a sleep: the job holds its thread until two jobs have run at once.
                        Poll.blockingUntil(every: .milliseconds(1)) { running.state.withLock { $0.most >= 2 } }
                        running.state.withLock { $0.now -= 1 }
                    }
                }
            }
        }
        #expect(running.state.withLock { $0.most } == 2)
    }
}
