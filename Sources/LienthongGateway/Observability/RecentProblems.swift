import Foundation
import Synchronization

/// The last problem answers of a node, newest first, for the dashboard: a bounded ring of what the metrics count.
///
/// Only bounded, non-personal facts are kept: the listener, the route template (never the concrete path, which may
/// hold a citizen's ID), the status, the problem code and the time.
final class RecentProblems: Sendable {
    /// One problem answer.
    struct Entry: Sendable, Equatable {
        var time: Date
        var listener: String
        var route: String
        var status: Int
        var code: String
    }

    /// How many answers are kept.
    let capacity: Int
    private let ring: Mutex<(entries: [Entry], next: Int)>

    init(capacity: Int = 50) {
        precondition(capacity > 0, "a ring needs room for one entry")
        self.capacity = capacity
        ring = Mutex(([], 0))
    }

    /// Keeps `entry`, dropping the oldest when full.
    func add(_ entry: Entry) {
        ring.withLock { ring in
            if ring.entries.count < capacity {
                ring.entries.append(entry)
            } else {
                ring.entries[ring.next] = entry
            }
            ring.next = (ring.next + 1) % capacity
        }
    }

    /// The kept answers, newest first.
    var entries: [Entry] {
        ring.withLock { ring in
            guard ring.entries.count == capacity else { return ring.entries.reversed() }
            return Array((ring.entries[ring.next...] + ring.entries[..<ring.next]).reversed())
        }
    }
}
