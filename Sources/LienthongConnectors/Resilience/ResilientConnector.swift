import Synchronization

/// A ``RegistryConnector`` wrapper that fails fast while its back end is down and repeats failed reads.
///
/// Every lookup and search asks a ``CircuitBreaker`` first: while it is open the call throws
/// `upstream-circuit-open` at once, without touching the back end. A call that fails with `upstream-unavailable`
/// (refused, reset, 5xx, storage error) is repeated up to ``ResilienceConfiguration/retries`` times after an
/// exponential backoff; `upstream-timeout` is repeated only while the budget lasts; contract violations and
/// configuration errors never are. The whole call, repetitions included, ends by the deadline: an attempt still
/// running then is cancelled and the call throws `upstream-timeout`.
///
/// ```swift
/// let connector = ResilientConnector(
///     base: RESTConnector(registry: "land", configuration: rest, variables: [:], client: client),
///     registry: "land", configuration: ResilienceConfiguration(retries: 2), deadline: .seconds(3))
/// let parcel = try await connector.lookup(key: "00004-12-345")
/// ```
public final class ResilientConnector<C: Clock>: RegistryConnector where C.Duration == Duration {
    /// The wrapped connector.
    public let base: any RegistryConnector
    /// The registry, used in errors.
    public let registry: String
    /// Breaker and retry settings.
    public let configuration: ResilienceConfiguration
    /// The budget of one call, repetitions included.
    public let deadline: Duration
    private let clock: C
    private let breaker: Mutex<CircuitBreaker<C.Instant>>

    /// Creates a wrapper.
    /// - Parameters:
    ///   - base: The connector to protect.
    ///   - registry: The registry name, used in errors.
    ///   - configuration: Breaker and retry settings.
    ///   - deadline: The budget of one call; ``ResilienceConfiguration/deadlineMs`` wins when set.
    ///   - clock: The clock of cool-downs, backoffs and deadlines (tests inject a manual one).
    public init(
        base: any RegistryConnector, registry: String, configuration: ResilienceConfiguration,
        deadline: Duration = .seconds(5), clock: C
    ) {
        self.base = base
        self.registry = registry
        self.configuration = configuration
        self.deadline = configuration.deadlineMs.map { .milliseconds($0) } ?? deadline
        self.clock = clock
        self.breaker = Mutex(
            CircuitBreaker(failureThreshold: configuration.failureThreshold, coolDown: .milliseconds(configuration.coolDownMs))
        )
    }

    /// The breaker's state now (for health reports and tests).
    public var breakerState: CircuitBreaker<C.Instant>.State { breaker.withLock { $0.state } }

    /// The base connector's record, through the breaker, with repetitions.
    /// - Throws: `upstream-circuit-open` while the breaker is open; otherwise the last attempt's error, or
    ///   `upstream-timeout` when the deadline passed.
    public func lookup(key: String) async throws(ConnectorError) -> NativeRecord? {
        let base = self.base
        return try await call { () async throws(ConnectorError) -> NativeRecord? in try await base.lookup(key: key) }
    }

    /// The base connector's named search, through the breaker, with repetitions (searches are reads too).
    public func search(_ query: NativeSearch) async throws(ConnectorError) -> [NativeRecord] {
        let base = self.base
        return try await call { () async throws(ConnectorError) -> [NativeRecord] in try await base.search(query) }
    }

    /// The base connector's field search, through the breaker, with repetitions.
    public func search(field: String, value: String, limit: Int) async throws(ConnectorError) -> [NativeRecord] {
        let base = self.base
        return try await call { () async throws(ConnectorError) -> [NativeRecord] in
            try await base.search(field: field, value: value, limit: limit)
        }
    }

    /// The base connector's document, through the breaker, with repetitions until its answer has begun.
    ///
    /// Only the opening counts (deadline, breaker, repetitions): once the body streams, a failure reaches the
    /// reader through the ``DocumentStream`` and is not repeated.
    public func openDocument(key: String) async throws(ConnectorError) -> DocumentStream? {
        let base = self.base
        return try await call { () async throws(ConnectorError) -> DocumentStream? in try await base.openDocument(key: key) }
    }

    /// Down with detail `upstream-circuit-open` while the breaker is open; otherwise the base connector's health.
    public func health() async -> ConnectorHealth {
        if case .open = breakerState { return ConnectorHealth(status: .down, detail: ConnectorError.Code.circuitOpen.wireCode) }
        return await base.health()
    }

    /// Closes the base connector.
    public func close() async { await base.close() }

    // MARK: Attempts

    private func call<T: Sendable>(_ operation: @escaping @Sendable () async throws(ConnectorError) -> T)
        async throws(ConnectorError) -> T
    {
        let end = clock.now.advanced(by: deadline)
        var retry = 0
        while true {
            let now = clock.now
            let decision = breaker.withLock { $0.request(at: now) }
            if case .reject(let until) = decision {
                throw ConnectorError(
                    code: .circuitOpen, registry: registry, detail: "the circuit breaker is open",
                    retryAfter: until.map { now.duration(to: $0) } ?? .milliseconds(configuration.coolDownMs))
            }
            let result = await attempt(until: end, operation)
            let outcome = Self.outcome(of: result)
            let finished = clock.now
            _ = breaker.withLock { $0.record(outcome, at: finished) }
            guard case .failure(let error) = result else { return try result.get() }
            // Only failures of the back end are worth repeating, and never past the deadline.
            guard outcome == .failure, retry < configuration.retries, !Task.isCancelled else { throw error }
            retry += 1
            let delay = Self.jittered(configuration.backoff(beforeRetry: retry))
            guard clock.now.advanced(by: delay) < end else { throw error }
            if delay > .zero {
                // Cancelled while waiting: the last failure is the answer.
                guard (try? await clock.sleep(for: delay)) != nil else { throw error }
            }
        }
    }

    /// Runs one attempt, cancelled at `end` (then `upstream-timeout`); an inline back end's attempt runs in the
    /// calling task, since no timer could end it sooner, and a timer and a task group per call cost more than the
    /// read itself.
    private func attempt<T: Sendable>(
        until end: C.Instant, _ operation: @escaping @Sendable () async throws(ConnectorError) -> T
    ) async -> Result<T, ConnectorError> {
        if base.runsInline {
            do throws(ConnectorError) { return .success(try await operation()) } catch { return .failure(error) }
        }
        let clock = self.clock
        let timeout = ConnectorError(code: .timeout, registry: registry, detail: "no answer within the deadline", cause: "deadline")
        return await withTaskGroup(of: Result<T, ConnectorError>?.self) { group in
            group.addTask {
                do throws(ConnectorError) { return .success(try await operation()) } catch { return .failure(error) }
            }
            group.addTask {
                // A cancelled timer says nothing; the operation's own result is awaited instead.
                do { try await clock.sleep(until: end, tolerance: nil) } catch { return nil }
                return .failure(timeout)
            }
            for await next in group {
                guard let next else { continue }
                group.cancelAll()
                return next
            }
            return .failure(timeout)
        }
    }

    private static func outcome<T>(of result: Result<T, ConnectorError>) -> CircuitBreaker<C.Instant>.Outcome {
        guard case .failure(let error) = result else { return .success }
        if Task.isCancelled { return .abandoned }
        switch error.code {
        case .unavailable, .timeout: return .failure
        case .upstreamContractViolation: return .success
        default: return .abandoned
        }
    }

    /// Between half and all of `nominal`, so that callers that failed together do not retry together.
    private static func jittered(_ nominal: Duration) -> Duration {
        guard nominal > .zero else { return .zero }
        return nominal * Double.random(in: 0.5...1.0)
    }
}

extension ResilientConnector where C == ContinuousClock {
    /// Creates a wrapper on the continuous clock.
    public convenience init(
        base: any RegistryConnector, registry: String, configuration: ResilienceConfiguration, deadline: Duration = .seconds(5)
    ) {
        self.init(base: base, registry: registry, configuration: configuration, deadline: deadline, clock: ContinuousClock())
    }
}
