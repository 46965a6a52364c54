import LienthongAccess
import LienthongCore
import LienthongTesting
import Testing

/// The limiter driven by a manual clock: a burst, then one request per interval, with the wait it names.
struct RateLimiterTests {
    typealias Limiter = RateLimiter<ManualClock.Instant>

    /// Sends `count` requests at the clock's present instant; returns the decisions.
    static func send(
        _ count: Int, _ limiter: inout Limiter, _ clock: ManualClock, _ limit: RateLimit
    ) -> [Limiter.Decision] {
        (0..<count).map { _ in limiter.request(at: clock.now, limit: limit) }
    }

    @Test func aQuietCallerMaySendItsBurstAtOnceAndTheNextWaitsOneInterval() {
        let clock = ManualClock()
        var limiter = Limiter()
        let limit = RateLimit(requestsPerSecond: 2, burst: 4)
        #expect(Self.send(4, &limiter, clock, limit) == Array(repeating: .admit, count: 4))
        #expect(limiter.request(at: clock.now, limit: limit) == .refuse(retryAfter: .milliseconds(500)))
        clock.advance(by: .milliseconds(499))
        #expect(limiter.request(at: clock.now, limit: limit) == .refuse(retryAfter: .milliseconds(1)))
        clock.advance(by: .milliseconds(1))
        #expect(limiter.request(at: clock.now, limit: limit) == .admit)
        #expect(limiter.request(at: clock.now, limit: limit) == .refuse(retryAfter: .milliseconds(500)))
    }

    @Test func refusedRequestsCountNothing() {
        let clock = ManualClock()
        var limiter = Limiter()
        let limit = RateLimit(requestsPerSecond: 1, burst: 1)
        #expect(limiter.request(at: clock.now, limit: limit) == .admit)
        let spent = limiter
        // A caller hammering a refusing limiter does not push its own wait further out.
        for _ in 0..<100 { #expect(limiter.request(at: clock.now, limit: limit) == .refuse(retryAfter: .seconds(1))) }
        #expect(limiter == spent)
        clock.advance(by: .seconds(1))
        #expect(limiter.request(at: clock.now, limit: limit) == .admit)
    }

    @Test func theBucketRefillsAtTheRateUpToTheBurstAndNoFurther() {
        let clock = ManualClock()
        var limiter = Limiter()
        let limit = RateLimit(requestsPerSecond: 10, burst: 5)
        _ = Self.send(5, &limiter, clock, limit)
        clock.advance(by: .milliseconds(300))
        // 300 ms at 10 per second gave back three requests.
        let refill = Self.send(4, &limiter, clock, limit)
        #expect(refill == [.admit, .admit, .admit, .refuse(retryAfter: .milliseconds(100))])
        // A long quiet spell fills the bucket to its burst, not beyond.
        clock.advance(by: .seconds(3600))
        #expect(limiter.isIdle(at: clock.now))
        #expect(Self.send(6, &limiter, clock, limit).filter { $0 == .admit }.count == 5)
    }

    @Test func aFractionalRateAndTheDefaultBurst() {
        let clock = ManualClock()
        var limiter = Limiter()
        let slow = RateLimit(requestsPerSecond: 0.5)
        #expect(slow.burst == 1)
        #expect(RateLimit(requestsPerSecond: 20).burst == 20)
        #expect(RateLimit(requestsPerSecond: 2.5).burst == 3)
        #expect(limiter.request(at: clock.now, limit: slow) == .admit)
        #expect(limiter.request(at: clock.now, limit: slow) == .refuse(retryAfter: .seconds(2)))
    }

    @Test func aChangedLimitAppliesToWhatWasSpent() {
        let clock = ManualClock()
        var limiter = Limiter()
        _ = Self.send(2, &limiter, clock, RateLimit(requestsPerSecond: 1, burst: 2))
        // A larger burst after a reload admits more at once; a smaller one refuses what the old one owed.
        #expect(limiter.decision(at: clock.now, limit: RateLimit(requestsPerSecond: 1, burst: 3)) == .admit)
        #expect(
            limiter.decision(at: clock.now, limit: RateLimit(requestsPerSecond: 1, burst: 1))
                == .refuse(retryAfter: .seconds(2)))
    }

    @Test(arguments: [
        (Duration.milliseconds(1), 1), (.zero, 1), (.seconds(1), 1), (.milliseconds(1001), 2), (.seconds(59), 59),
        (.seconds(59) + .nanoseconds(1), 60),
    ])
    func retryAfterIsWholeSecondsRoundedUpAndAtLeastOne(_ wait: Duration, _ seconds: Int) {
        #expect(Limiter.seconds(wait) == seconds)
    }
}
