public import Foundation

/// The durable log of change events a node published, per registry with its own sequence, with what detection needs
/// to resume (the cursor, the values seen last per record) and the subscriptions that read it. One engine per type:
/// ``SQLiteEventLog`` embedded; a PostgreSQL engine can sit behind the same protocol.
///
/// Every method that changes state returns only once the change is durable.
public protocol EventLog: Sendable {
    /// The detection state of `registry`; `nil` before its first ``append(registry:events:cursor:baselines:)``.
    func state(registry: String) throws(EventLogError) -> EventRegistryState?

    /// Appends `events` (their sequences continue the registry's last one, without gaps), moves the registry's
    /// cursor to `cursor` and records `baselines` (record key to the values seen now), all in one transaction.
    /// - Throws: ``EventLogError/Code/sequenceConflict`` when the sequences do not continue the log (nothing stored).
    func append(
        registry: String, events: [StoredEvent], cursor: String, baselines: [String: [UInt8]]
    ) throws(EventLogError)

    /// The values seen last of record `key` of `registry`, if any change of it was seen before.
    func baseline(registry: String, key: String) throws(EventLogError) -> [UInt8]?

    /// The retained events of `registry` after sequence `after`, in sequence order, at most `limit`.
    func events(registry: String, after: Int64, limit: Int) throws(EventLogError) -> [StoredEvent]

    /// Drops the events of `registry` detected before `before`, and all but the last `keepLast`.
    /// - Returns: how many were dropped.
    @discardableResult
    func prune(registry: String, before: Date, keepLast: Int) throws(EventLogError) -> Int

    /// Stores a new subscription.
    func subscribe(_ subscription: EventSubscription) throws(EventLogError)

    /// The subscription `id`, if stored.
    func subscription(id: String) throws(EventLogError) -> EventSubscription?

    /// Deletes subscription `id` of `consumer`.
    /// - Returns: `false` if that consumer holds no such subscription.
    func unsubscribe(id: String, consumer: String) throws(EventLogError) -> Bool
}
