import Foundation

/// Waits for an event by polling its real condition with a bound, never by a fixed sleep: the wait ends as soon as
/// the condition holds, and a slow machine only makes it poll longer, up to `within`.
public enum Poll {
    /// Checks `condition` every `interval` until it holds or `within` has passed; returns whether it held.
    /// The last check happens at or after the bound, so a condition that holds then is not missed.
    /// - Throws: what `condition` throws, or `CancellationError` when the waiting task is cancelled.
    @discardableResult
    public static func until(
        within: Duration = .seconds(10), every interval: Duration = .milliseconds(20),
        _ condition: () async throws -> Bool
    ) async throws -> Bool {
        let deadline = ContinuousClock.now + within
        while true {
            if try await condition() { return true }
            if ContinuousClock.now >= deadline { return try await condition() }
            try await Task.sleep(for: interval)
        }
    }

    /// ``until(within:every:_:)`` for synchronous callers (it blocks the calling thread between checks).
    @discardableResult
    public static func blockingUntil(
        within: Duration = .seconds(10), every interval: Duration = .milliseconds(10), _ condition: () throws -> Bool
    ) rethrows -> Bool {
        let deadline = ContinuousClock.now + within
        while true {
            if try condition() { return true }
            if ContinuousClock.now >= deadline { return try condition() }
            Thread.sleep(forTimeInterval: interval / .seconds(1))
        }
    }
}
