import Foundation
import LienthongTrust
import Synchronization

/// OCSP answers by certificate (``OCSPRequest/cacheKey``), each kept until its `nextUpdate`; shared by every
/// snapshot, so a reload does not ask the responders again.
final class OCSPResponseCache: Sendable {
    /// The most answers kept; past it, expired ones are dropped, then the one expiring first.
    let capacity: Int
    private let entries = Mutex<[String: (status: OCSPStatus, until: Date)]>([:])

    init(capacity: Int = 10_000) { self.capacity = capacity }

    /// The answer for `key` if it is still current at `now`.
    func status(for key: String, at now: Date) -> OCSPStatus? {
        entries.withLock { entries in
            guard let entry = entries[key] else { return nil }
            if entry.until <= now {
                entries[key] = nil
                return nil
            }
            return entry.status
        }
    }

    /// Keeps `status` for `key` until `until`.
    func store(_ status: OCSPStatus, for key: String, until: Date, now: Date) {
        entries.withLock { entries in
            if entries.count >= capacity, entries[key] == nil {
                entries = entries.filter { $0.value.until > now }
                if entries.count >= capacity, let first = entries.min(by: { $0.value.until < $1.value.until }) {
                    entries[first.key] = nil
                }
            }
            entries[key] = (status, until)
        }
    }
}
