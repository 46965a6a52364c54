/// How a registry's connector copes with a failing back end: circuit breaker, retries and a total deadline.
///
/// The `resilience` member of a registry's `connector` object; every member is optional:
/// ```json
/// "resilience": { "failureThreshold": 5, "coolDownMs": 10000, "retries": 2, "backoffMs": 50, "deadlineMs": 3000 }
/// ```
/// Lookups and searches are idempotent reads, so a failed attempt may be repeated: attempt `n` (from 1) waits
/// `backoffMs * 2^(n-1)` (with jitter, between half and all of it) before it starts. No attempt starts, and an
/// attempt in flight is cancelled, once `deadlineMs` has passed since the lookup began; without `deadlineMs` the
/// deadline is the connector's own timeout (REST `timeoutMs`) or 5 seconds.
public struct ResilienceConfiguration: Sendable, Equatable, Decodable {
    /// Consecutive failures (unavailable or timed out) that open the breaker.
    public var failureThreshold: Int
    /// How long the breaker stays open before one probe, in milliseconds.
    public var coolDownMs: Int
    /// How many times a failed lookup is repeated (0: never).
    public var retries: Int
    /// The wait before the first repetition, in milliseconds; it doubles for each further one.
    public var backoffMs: Int
    /// The budget of one lookup including its repetitions, in milliseconds; `nil` for the connector's default.
    public var deadlineMs: Int?

    /// Creates a configuration; the defaults are those of a missing `resilience` member.
    public init(failureThreshold: Int = 5, coolDownMs: Int = 10_000, retries: Int = 2, backoffMs: Int = 50, deadlineMs: Int? = nil) {
        self.failureThreshold = failureThreshold
        self.coolDownMs = coolDownMs
        self.retries = retries
        self.backoffMs = backoffMs
        self.deadlineMs = deadlineMs
    }

    private enum CodingKeys: String, CodingKey { case failureThreshold, coolDownMs, retries, backoffMs, deadlineMs }

    /// Decodes the member, with the defaults of ``init(failureThreshold:coolDownMs:retries:backoffMs:deadlineMs:)``.
    /// - Throws: `DecodingError` for a negative count or duration (or a threshold or deadline of 0).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = ResilienceConfiguration()
        func value(_ key: CodingKeys, _ fallback: Int, minimum: Int) throws -> Int {
            let value = try container.decodeIfPresent(Int.self, forKey: key) ?? fallback
            guard value >= minimum else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "at least \(minimum)")
            }
            return value
        }
        self.init(
            failureThreshold: try value(.failureThreshold, defaults.failureThreshold, minimum: 1),
            coolDownMs: try value(.coolDownMs, defaults.coolDownMs, minimum: 0),
            retries: try value(.retries, defaults.retries, minimum: 0),
            backoffMs: try value(.backoffMs, defaults.backoffMs, minimum: 0),
            deadlineMs: try container.decodeIfPresent(Int.self, forKey: .deadlineMs) == nil
                ? nil : try value(.deadlineMs, 0, minimum: 1)
        )
    }

    /// The nominal wait before repetition `retry` (1 for the first), before jitter; zero when `backoffMs` is 0.
    public func backoff(beforeRetry retry: Int) -> Duration {
        guard backoffMs > 0, retry >= 1 else { return .zero }
        // Capped so that the shift cannot overflow; the deadline bounds the waits anyway.
        return .milliseconds(backoffMs) * (1 << min(retry - 1, 20))
    }
}
