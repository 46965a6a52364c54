import Foundation
import Testing

@testable import LienthongGateway

/// The backoff of failed deliveries: doubling from the initial wait, capped, and dead letters once the next try
/// would fall after the time to live.
struct RetryScheduleTests {
    let schedule = RetrySchedule(initial: .seconds(1), maximum: .seconds(60))
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func waitsDoubleUpToTheMaximum() {
        let waits = (1...9).map { schedule.delay(afterFailures: $0) }
        #expect(waits == [1, 2, 4, 8, 16, 32, 60, 60, 60].map { Duration.seconds($0) })
        // A failure count far beyond any real one does not overflow.
        #expect(schedule.delay(afterFailures: 10_000) == .seconds(60))
    }

    @Test func theNextTryIsScheduledWhileItFitsTheTimeToLive() {
        #expect(
            schedule.next(afterFailures: 3, now: now, expiresAt: now + 10) == .retry(at: now + 4))
        #expect(schedule.next(afterFailures: 4, now: now, expiresAt: now + 8) == .deadLetter)
        #expect(schedule.next(afterFailures: 1, now: now, expiresAt: now) == .deadLetter)
    }
}
