import Synchronization

/// Where concurrent tasks wait for each other once (racing nodes, so that each one's first attempt starts from the
/// same state): each arrives, then waits, bounded, until all have arrived.
public final class Barrier: Sendable {
    private let arrived = Atomic<Int>(0)
    /// How many tasks arrive.
    public let parties: Int

    /// A barrier for `parties` tasks.
    public init(parties: Int) { self.parties = parties }

    /// Arrives and waits until every party has arrived, or 10 seconds passed.
    public func arriveAndWait() async throws {
        arrived.add(1, ordering: .releasing)
        try await Poll.until(every: .milliseconds(1)) { arrived.load(ordering: .acquiring) >= parties }
    }
}
