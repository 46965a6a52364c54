import Synchronization

/// Counts open connections per client address across all loops of a server, to cap each address's share.
final class AddressLimiter: Sendable {
    private let limit: Int
    private let counts = Mutex<[String: Int]>([:])

    /// Creates a limiter allowing `limit` connections per address.
    init(limit: Int) {
        self.limit = limit
    }

    /// Counts a new connection from `address`; `false` (and nothing counted) when the address is at its limit.
    func acquire(_ address: String) -> Bool {
        counts.withLock { counts in
            let count = counts[address, default: 0]
            guard count < limit else { return false }
            counts[address] = count + 1
            return true
        }
    }

    /// Forgets a connection counted by ``acquire(_:)``.
    func release(_ address: String) {
        counts.withLock { counts in
            guard let count = counts[address] else { return }
            counts[address] = count > 1 ? count - 1 : nil
        }
    }
}
