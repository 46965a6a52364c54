public import Foundation

/// The durable log of change events a node published, per registry with its own sequence, with what detection needs
/// to resume (the cursor, the values seen last per record) and the subscriptions that read it. One engine per type:
/// ``SQLiteEventLog`` embedded (one node), ``PostgresEventLog`` shared by the nodes of one agency.
///
/// Every method that changes state returns only once the change is durable. Appends are compare-and-set on the
/// registry's state: of two nodes that detected the same changes from the same state, one appends and the other is
/// refused, so each change is published once and the sequence has no gap. A method that waits on the network
/// (PostgreSQL, JetStream) suspends its caller without holding the thread; the embedded engine answers inline.
public protocol EventLog: Sendable {
    /// The detection state of `registry`; `nil` before its first ``append(registry:from:events:cursor:baselines:)``.
    func state(registry: String) async throws(EventLogError) -> EventRegistryState?

    /// Appends `events` (their sequences continue `previous`'s last one, without gaps), moves the registry's
    /// cursor to `cursor` and records `baselines` (record key to the values seen now), all in one transaction, if
    /// the registry is still at `previous` (the state the changes were read from; `nil` before the first append).
    /// - Throws: ``EventLogError/Code/sequenceConflict`` when the registry's cursor or last sequence is no longer
    ///   `previous`'s (another writer appended meanwhile), or the sequences do not continue it: nothing stored.
    func append(
        registry: String, from previous: EventRegistryState?, events: [StoredEvent], cursor: String,
        baselines: [String: [UInt8]]
    ) async throws(EventLogError)

    /// The values seen last of record `key` of `registry`, if any change of it was seen before.
    func baseline(registry: String, key: String) async throws(EventLogError) -> [UInt8]?

    /// The retained events of `registry` after sequence `after`, in sequence order, at most `limit`.
    func events(registry: String, after: Int64, limit: Int) async throws(EventLogError) -> [StoredEvent]

    /// Drops the events of `registry` detected before `before`, and all but the last `keepLast`.
    /// - Returns: how many were dropped.
    @discardableResult
    func prune(registry: String, before: Date, keepLast: Int) async throws(EventLogError) -> Int

    /// Stores a new subscription.
    func subscribe(_ subscription: EventSubscription) async throws(EventLogError)

    /// The subscription `id`, if stored.
    func subscription(id: String) async throws(EventLogError) -> EventSubscription?

    /// Deletes subscription `id` of `consumer`.
    /// - Returns: `false` if that consumer holds no such subscription.
    func unsubscribe(id: String, consumer: String) async throws(EventLogError) -> Bool
}
