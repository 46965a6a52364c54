/// The decisions of a circuit breaker, as a pure state machine over instants of an injected clock.
///
/// `closed` counts consecutive failures; at ``failureThreshold`` it opens until `now + coolDown`. While open,
/// requests are rejected without touching the back end. The first request after the cool-down is let through
/// as the one half-open probe (others are still rejected); its success closes the breaker, its failure opens it
/// for another cool-down.
///
/// ```swift
/// var breaker = CircuitBreaker<ContinuousClock.Instant>(failureThreshold: 5, coolDown: .seconds(10))
/// switch breaker.request(at: clock.now) {
/// case .proceed, .probe: /* call the back end, then */ _ = breaker.record(.failure, at: clock.now)
/// case .reject(let until): /* fail fast */ _ = until
/// }
/// ```
///
/// The breaker does not tell a probe's outcome from that of a request that started before it opened: a late
/// result recorded while half-open decides the probe. That errs towards reopening on a late failure, and towards
/// closing on a late success, which is evidence enough that the back end answers.
public struct CircuitBreaker<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// Where the breaker is.
    public enum State: Sendable, Equatable {
        /// Requests flow; `failures` consecutive failures so far.
        case closed(failures: Int)
        /// Requests are rejected until the instant.
        case open(until: Instant)
        /// One probe is in flight; other requests are rejected until it ends.
        case halfOpen
    }

    /// What to do with a request.
    public enum Decision: Sendable, Equatable {
        /// Call the back end.
        case proceed
        /// Call the back end as the half-open probe; record its outcome.
        case probe
        /// Fail fast; `until` is when a probe may go through (`nil` while a probe is in flight).
        case reject(until: Instant?)
    }

    /// How a call to the back end ended.
    public enum Outcome: Sendable, Equatable {
        /// The back end answered (a record, no record, or even an answer that breaks its contract).
        case success
        /// The back end could not be reached, failed, or did not answer in time.
        case failure
        /// The call ended without saying anything about the back end (cancelled, misconfigured).
        case abandoned
    }

    /// What changed, for the caller to log or count.
    public enum Transition: Sendable, Equatable {
        /// Nothing visible changed.
        case none
        /// The breaker opened (or reopened after a failed probe) until the instant.
        case opened(until: Instant)
        /// A successful probe closed the breaker.
        case closed
    }

    /// The current state.
    public private(set) var state: State
    /// Consecutive failures that open the breaker (at least 1).
    public let failureThreshold: Int
    /// How long the breaker stays open before a probe.
    public let coolDown: Duration

    /// Creates a closed breaker.
    /// - Parameters:
    ///   - failureThreshold: Consecutive failures that open it; values below 1 count as 1.
    ///   - coolDown: How long it stays open before letting one probe through.
    public init(failureThreshold: Int, coolDown: Duration) {
        self.failureThreshold = max(1, failureThreshold)
        self.coolDown = coolDown
        self.state = .closed(failures: 0)
    }

    /// A request arrives at `now`.
    /// - Returns: ``Decision/proceed`` when closed, ``Decision/probe`` for the first request after the
    ///   cool-down (the breaker becomes half-open), ``Decision/reject(until:)`` otherwise.
    public mutating func request(at now: Instant) -> Decision {
        switch state {
        case .closed:
            return .proceed
        case .open(let until) where now >= until:
            state = .halfOpen
            return .probe
        case .open(let until):
            return .reject(until: until)
        case .halfOpen:
            return .reject(until: nil)
        }
    }

    /// A call that ``request(at:)`` let through ended at `now` with `outcome`.
    /// - Returns: ``Transition/opened(until:)`` when this failure opened or reopened the breaker,
    ///   ``Transition/closed`` when a probe's success closed it, else ``Transition/none``.
    public mutating func record(_ outcome: Outcome, at now: Instant) -> Transition {
        switch (state, outcome) {
        case (.closed, .success):
            state = .closed(failures: 0)
            return .none
        case (.closed(let failures), .failure):
            guard failures + 1 >= failureThreshold else {
                state = .closed(failures: failures + 1)
                return .none
            }
            return open(at: now)
        case (.closed, .abandoned):
            return .none
        case (.halfOpen, .success):
            state = .closed(failures: 0)
            return .closed
        case (.halfOpen, .failure):
            return open(at: now)
        case (.halfOpen, .abandoned):
            // The probe told nothing: the next request may probe at once.
            state = .open(until: now)
            return .none
        case (.open, _):
            // A call that started before the breaker opened: the cool-down already runs.
            return .none
        }
    }

    private mutating func open(at now: Instant) -> Transition {
        let until = now.advanced(by: coolDown)
        state = .open(until: until)
        return .opened(until: until)
    }
}
