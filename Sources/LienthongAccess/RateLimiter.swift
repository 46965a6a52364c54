public import LienthongCore

/// The decisions of one rate limit, as a pure state machine over instants of an injected clock (the generic cell
/// rate algorithm, which behaves as a token bucket of `burst` tokens refilled at `requestsPerSecond`).
///
/// The only state is the instant at which the bucket would be full again. The limit is passed with each request
/// rather than kept, so a reloaded configuration applies to the state so far: a reload neither resets nor loses
/// what a caller has spent.
///
/// ```swift
/// var limiter = RateLimiter<ContinuousClock.Instant>()
/// switch limiter.request(at: clock.now, limit: RateLimit(requestsPerSecond: 20, burst: 40)) {
/// case .admit: /* serve it */ break
/// case .refuse(let retryAfter): /* 429, Retry-After: */ _ = RateLimiter<ContinuousClock.Instant>.seconds(retryAfter)
/// }
/// ```
public struct RateLimiter<Instant: InstantProtocol>: Sendable, Equatable where Instant.Duration == Duration {
    /// What to do with a request.
    public enum Decision: Sendable, Equatable {
        /// Serve it; the request was counted.
        case admit
        /// Refuse it; a request sent `retryAfter` from now would be admitted. Nothing was counted.
        case refuse(retryAfter: Duration)
    }

    /// When the bucket is full again (the "theoretical arrival time"); `nil` before the first request.
    public private(set) var fullAt: Instant?

    /// A full bucket.
    public init() {}

    /// What a request at `now` under `limit` would get, without counting it.
    public func decision(at now: Instant, limit: RateLimit) -> Decision {
        let interval = Self.interval(limit)
        let start = Self.later(fullAt, now)
        // Each admitted request moves fullAt one interval on; `burst` of them may be outstanding at once.
        let ahead = now.duration(to: start)
        let tolerance = interval * (max(1, limit.burst) - 1)
        guard ahead > tolerance else { return .admit }
        return .refuse(retryAfter: ahead - tolerance)
    }

    /// A request arrives at `now` under `limit`: it is counted when admitted.
    public mutating func request(at now: Instant, limit: RateLimit) -> Decision {
        let decision = decision(at: now, limit: limit)
        if decision == .admit { fullAt = Self.later(fullAt, now).advanced(by: Self.interval(limit)) }
        return decision
    }

    /// Whether the bucket is full at `now`: the state says no more than a new limiter would.
    public func isIdle(at now: Instant) -> Bool {
        guard let fullAt else { return true }
        return fullAt <= now
    }

    /// `duration` in whole seconds, rounded up and at least 1: the value of a `Retry-After` header.
    public static func seconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
    }

    /// The time one request takes from the bucket to come back.
    /// Rates under one a day count as one a day (the configuration check refuses zero and negative ones), so the
    /// arithmetic stays finite.
    private static func interval(_ limit: RateLimit) -> Duration {
        let day = 86_400.0
        guard limit.requestsPerSecond.isFinite, limit.requestsPerSecond * day > 1 else { return .seconds(day) }
        // In whole nanoseconds: exact for the rates people write (20, 0.5), where a Double of seconds is not.
        return .nanoseconds(Int64((1e9 / limit.requestsPerSecond).rounded()))
    }

    private static func later(_ instant: Instant?, _ now: Instant) -> Instant {
        guard let instant, instant > now else { return now }
        return instant
    }
}
