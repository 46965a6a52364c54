import Foundation
import LienthongCore

/// When a failed delivery is tried again: exponential backoff from ``initial``, doubled per failure up to
/// ``maximum``, until the message's time to live runs out and it goes to the dead letters. Pure; the caller's clock.
struct RetrySchedule: Sendable, Equatable {
    /// What to do after a failed attempt.
    enum Action: Sendable, Equatable {
        /// Try again at this time.
        case retry(at: Date)
        /// Stop: the next attempt would fall after the message expires.
        case deadLetter
    }

    /// The wait after the first failure.
    let initial: Duration
    /// The longest wait.
    let maximum: Duration

    /// The wait after the `failures`-th failed attempt (1 for the first).
    func delay(afterFailures failures: Int) -> Duration {
        // 2^30 times any sensible initial wait is past every maximum; the cap keeps the shift from overflowing.
        let doublings = min(max(failures - 1, 0), 30)
        let grown = initial * (1 << doublings)
        return min(grown, maximum)
    }

    /// The decision after the `failures`-th failed attempt at `now` of a message that expires at `expiresAt`.
    func next(afterFailures failures: Int, now: Date, expiresAt: Date) -> Action {
        let at = now.addingTimeInterval(delay(afterFailures: failures).secondsValue)
        return at < expiresAt ? .retry(at: at) : .deadLetter
    }
}
