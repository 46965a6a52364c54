import Foundation
import Synchronization

/// An entry that holds for a window of time, as a validated certificate chain does.
protocol ValidityBounded: Sendable {
    /// Whether the entry holds at `time`.
    func covers(_ time: Date) -> Bool
    /// When it stops holding (exclusive).
    var validUntil: Date { get }
}

/// The store behind ``ChainCache`` and ``HeaderCache``: at most `capacity` entries under a mutex (every verified
/// signature passes here, so no actor hop); an entry is given out only at times it covers and dropped once the time
/// passes its end; when full, the entry that ends first makes room.
final class ValidityBoundedCache<Key: Hashable & Sendable, Entry: ValidityBounded>: Sendable {
    let capacity: Int
    private let entries = Mutex<[Key: Entry]>([:])

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    var count: Int { entries.withLock { $0.count } }

    /// The entry for `key` if it holds at `time`; an entry whose validity ended by `time` is dropped.
    func entry(for key: Key, at time: Date) -> Entry? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            if entry.covers(time) { return entry }
            if time >= entry.validUntil { entries[key] = nil }
            return nil
        }
    }

    /// Keeps `entry` for `key`; when full, first drops the entry whose validity ends first.
    func store(_ entry: Entry, for key: Key) {
        entries.withLock { entries in
            if entries.count >= capacity, entries[key] == nil,
                let first = entries.min(by: { $0.value.validUntil < $1.value.validUntil })
            {
                entries[first.key] = nil
            }
            entries[key] = entry
        }
    }
}
