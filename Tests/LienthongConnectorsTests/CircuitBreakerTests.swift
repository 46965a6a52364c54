import LienthongConnectors
import Testing

struct CircuitBreakerTests {
    typealias Breaker = CircuitBreaker<ContinuousClock.Instant>
    let t0 = ContinuousClock.now

    @Test func opensAfterThresholdConsecutiveFailures() {
        var breaker = Breaker(failureThreshold: 3, coolDown: .seconds(10))
        for _ in 0..<2 {
            #expect(breaker.request(at: t0) == .proceed)
            #expect(breaker.record(.failure, at: t0) == .none)
        }
        #expect(breaker.state == .closed(failures: 2))
        #expect(breaker.request(at: t0) == .proceed)
        #expect(breaker.record(.failure, at: t0) == .opened(until: t0 + .seconds(10)))
        #expect(breaker.request(at: t0 + .seconds(9)) == .reject(until: t0 + .seconds(10)))
    }

    @Test func successResetsTheCount() {
        var breaker = Breaker(failureThreshold: 2, coolDown: .seconds(1))
        _ = breaker.record(.failure, at: t0)
        _ = breaker.record(.success, at: t0)
        _ = breaker.record(.failure, at: t0)
        #expect(breaker.state == .closed(failures: 1))
        // Abandoned calls (cancelled, misconfigured) say nothing about the back end.
        _ = breaker.record(.abandoned, at: t0)
        #expect(breaker.state == .closed(failures: 1))
    }

    @Test func oneProbeAfterCoolDownAndSuccessCloses() {
        var breaker = Breaker(failureThreshold: 1, coolDown: .seconds(10))
        #expect(breaker.record(.failure, at: t0) == .opened(until: t0 + .seconds(10)))
        #expect(breaker.request(at: t0 + .seconds(10)) == .probe)
        #expect(breaker.state == .halfOpen)
        // While the probe is in flight everybody else is still rejected.
        #expect(breaker.request(at: t0 + .seconds(11)) == .reject(until: nil))
        #expect(breaker.record(.success, at: t0 + .seconds(11)) == .closed)
        #expect(breaker.request(at: t0 + .seconds(11)) == .proceed)
    }

    @Test func failedProbeReopensForAnotherCoolDown() {
        var breaker = Breaker(failureThreshold: 1, coolDown: .seconds(10))
        _ = breaker.record(.failure, at: t0)
        #expect(breaker.request(at: t0 + .seconds(12)) == .probe)
        #expect(breaker.record(.failure, at: t0 + .seconds(13)) == .opened(until: t0 + .seconds(23)))
        #expect(breaker.request(at: t0 + .seconds(22)) == .reject(until: t0 + .seconds(23)))
        #expect(breaker.request(at: t0 + .seconds(23)) == .probe)
    }

    @Test func abandonedProbeLetsTheNextRequestProbe() {
        var breaker = Breaker(failureThreshold: 1, coolDown: .seconds(10))
        _ = breaker.record(.failure, at: t0)
        #expect(breaker.request(at: t0 + .seconds(10)) == .probe)
        #expect(breaker.record(.abandoned, at: t0 + .seconds(10)) == .none)
        #expect(breaker.request(at: t0 + .seconds(10)) == .probe)
    }

    @Test func lateResultsWhileOpenDoNotShortenTheCoolDown() {
        var breaker = Breaker(failureThreshold: 1, coolDown: .seconds(10))
        _ = breaker.record(.failure, at: t0)
        #expect(breaker.record(.success, at: t0 + .seconds(1)) == .none)
        #expect(breaker.record(.failure, at: t0 + .seconds(2)) == .none)
        #expect(breaker.state == .open(until: t0 + .seconds(10)))
    }

    @Test func thresholdBelowOneCountsAsOne() {
        var breaker = Breaker(failureThreshold: 0, coolDown: .zero)
        #expect(breaker.failureThreshold == 1)
        #expect(breaker.record(.failure, at: t0) == .opened(until: t0))
        #expect(breaker.request(at: t0) == .probe)
    }
}
