import Synchronization

/// Keeps the connections of one server spread evenly over its loops.
///
/// Every loop accepts on the same listening socket: a burst of new connections wakes them all, and the first to run
/// accepts everything pending, so one loop could serve most of a client's connections while another idles, and its
/// requests wait longer (wrk's 64 connections: 27 and 38 on the bench; a test's burst of 128: up to 123 on one
/// loop). A loop more than ``slack`` connections ahead of the least loaded one stops accepting for ``pause`` and
/// leaves the next connections to the others.
final class AcceptBalance: Sendable {
    /// How many connections a loop may hold beyond the least loaded loop before it pauses accepting.
    static let slack = 1
    /// How long a loop that is ahead leaves the socket to the others (then it accepts again, so that a loop that
    /// is not scheduled cannot leave connections waiting in the backlog).
    static let pause: Duration = .milliseconds(2)

    private let counts: Mutex<[Int]>

    /// A balance over `loops` loops, each with no connection.
    init(loops: Int) {
        counts = Mutex(Array(repeating: 0, count: max(1, loops)))
    }

    /// Records that `loop` holds `connections` now; `true` when it is ahead and should pause accepting.
    func update(loop: Int, connections: Int) -> Bool {
        counts.withLock { counts in
            guard counts.indices.contains(loop) else { return false }
            counts[loop] = connections
            var least: Int?
            for (other, count) in counts.enumerated() where other != loop { least = min(least ?? count, count) }
            guard let least else { return false }
            return connections > least + Self.slack
        }
    }

    /// The connections each loop holds, by loop index.
    var connectionsPerLoop: [Int] { counts.withLock { $0 } }
}
