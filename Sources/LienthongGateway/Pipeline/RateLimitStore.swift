import LienthongAccess
import LienthongCore
import Synchronization

/// The node's rate-limit state: one ``RateLimiter`` per consumer and service, and one per service across all
/// consumers, behind one lock.
///
/// It lives as long as the process (in ``NodeServices``) while the limits themselves come with each configuration
/// snapshot, so a reload applies new limits to what was spent so far and cannot be used to reset them.
final class RateLimitStore<Clock: _Concurrency.Clock>: Sendable where Clock.Duration == Duration {
    /// Whose requests a limit counts.
    enum Scope: Hashable, Sendable {
        /// One consumer's calls of one service (a grant's `rateLimit`).
        case consumer(ExchangeID, service: ExchangeID)
        /// Every consumer's lookups of one registry, named by its record service (the registry's `rateLimit`).
        case service(ExchangeID)
    }

    /// One limit a request counts against.
    struct Charge: Sendable {
        var scope: Scope
        var limit: RateLimit
    }

    /// A refusal: the charge whose limit was reached (the one to wait longest for) and how long to wait.
    struct Refusal: Sendable, Equatable {
        var scope: Scope
        var retryAfter: Duration
    }

    private struct State {
        var limiters: [Scope: RateLimiter<Clock.Instant>] = [:]
        var requestsSincePrune = 0
    }

    private let clock: Clock
    private let state = Mutex(State())
    /// How many admitted requests pass between two sweeps of idle limiters (whose state a new limiter equals).
    private let pruneInterval: Int

    /// An empty store reading `clock`; it forgets idle limiters every `pruneInterval` admitted requests.
    init(clock: Clock, pruneInterval: Int = 4_096) {
        self.clock = clock
        self.pruneInterval = max(1, pruneInterval)
    }

    /// How many scopes have state: bounded by the scopes in use, not by all those ever seen.
    var scopeCount: Int { state.withLock { $0.limiters.count } }

    /// Counts a request against every charge, all or none: when one limit is reached nothing is counted, so a
    /// refused request spends no other limit.
    /// - Returns: `nil` when admitted, else the refusal with the longest wait.
    func admit(_ charges: [Charge]) -> Refusal? {
        guard !charges.isEmpty else { return nil }
        let now = clock.now
        return state.withLock { state in
            var refusal: Refusal?
            for charge in charges {
                let limiter = state.limiters[charge.scope] ?? RateLimiter()
                if case .refuse(let wait) = limiter.decision(at: now, limit: charge.limit),
                    wait > refusal?.retryAfter ?? .zero
                {
                    refusal = Refusal(scope: charge.scope, retryAfter: wait)
                }
            }
            guard refusal == nil else { return refusal }
            for charge in charges {
                _ = state.limiters[charge.scope, default: RateLimiter()].request(at: now, limit: charge.limit)
            }
            state.requestsSincePrune += 1
            if state.requestsSincePrune >= pruneInterval {
                // Scopes of consumers or registries a reload removed would otherwise stay for the process's life.
                state.requestsSincePrune = 0
                state.limiters = state.limiters.filter { !$0.value.isIdle(at: now) }
            }
            return nil
        }
    }
}
