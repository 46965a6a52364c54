import LienthongJSON
import Synchronization

/// Each provider node's answer to `POST /v1/federation/services`, kept per node and caller for a short time within
/// one global configuration version: a `GET /v1/services` does not ask every node of a national federation each
/// time, and a new version (nodes, services or certificates changed) drops every answer kept.
final class ServiceListCache: Sendable {
    private struct Entry: Sendable {
        var version: Int
        var expires: ContinuousClock.Instant
        var services: [JSONValue]
    }

    /// How long an answer is reused.
    let lifetime: Duration
    private let entries = Mutex<[String: Entry]>([:])

    /// A cache whose answers live `lifetime`.
    init(lifetime: Duration) { self.lifetime = lifetime }

    /// `node`'s answer for `consumer` under `version`, if one is younger than ``lifetime``.
    func fresh(node: String, consumer: String, version: Int, at now: ContinuousClock.Instant) -> [JSONValue]? {
        entries.withLock { entries in
            guard let entry = entries[Self.key(node, consumer)], entry.version == version, entry.expires > now
            else { return nil }
            return entry.services
        }
    }

    /// `node`'s last answer for `consumer` under `version`, however old: what a node that does not answer now was
    /// known to grant.
    func last(node: String, consumer: String, version: Int) -> [JSONValue]? {
        entries.withLock { entries in
            guard let entry = entries[Self.key(node, consumer)], entry.version == version else { return nil }
            return entry.services
        }
    }

    /// Keeps `node`'s answer for `consumer` under `version`, and drops every answer of another version.
    func keep(
        _ services: [JSONValue], node: String, consumer: String, version: Int, at now: ContinuousClock.Instant
    ) {
        entries.withLock { entries in
            if entries.values.contains(where: { $0.version != version }) {
                entries = entries.filter { $0.value.version == version }
            }
            entries[Self.key(node, consumer)] = Entry(version: version, expires: now + lifetime, services: services)
        }
    }

    private static func key(_ node: String, _ consumer: String) -> String { node + "|" + consumer }
}
