import LienthongStorage
import Synchronization

/// One PostgreSQL connection used by one caller at a time, opened when first needed and opened again after it
/// broke: the server may stop and come back, and the node recovers without a restart.
///
/// Each new connection first runs `setup` (session settings such as `synchronous_commit`, session locks), since a
/// session's settings and locks are lost with it.
final class PostgresSession: Sendable {
    /// What a new connection runs before its first use; a failure closes it.
    typealias Setup = @Sendable (PostgresConnection) throws(PostgresError) -> Void

    private let conninfo: String
    private let setup: Setup?
    private let connection = Mutex<PostgresConnection?>(nil)

    /// A session on `conninfo` that runs `setup` on each new connection.
    init(conninfo: String, setup: Setup? = nil) {
        self.conninfo = conninfo
        self.setup = setup
    }

    /// Runs `body` with the connection (opening it first if needed), holding it for the whole call. A failure that
    /// is not the server refusing a statement drops the connection, so the next call opens a new one.
    func run<T>(_ body: (PostgresConnection) throws(PostgresError) -> T) throws(PostgresError) -> T {
        try connection.withLock { current throws(PostgresError) -> T in
            let open: PostgresConnection
            if let existing = current, existing.isAlive() {
                open = existing
            } else {
                current = nil
                open = try PostgresConnection(conninfo, connectTimeout: .seconds(2))
                try setup?(open)
                current = open
            }
            do throws(PostgresError) {
                return try body(open)
            } catch {
                if error.code != .query { current = nil }
                throw error
            }
        }
    }

    /// Closes the connection, if open, after running `last` on it (e.g. to release session locks now: the server
    /// ends a session whose client went away a moment later, and a lock held until then refuses a quick reopen).
    func close(after last: ((PostgresConnection) -> Void)? = nil) {
        connection.withLock { current in
            if let open = current { last?(open) }
            current = nil
        }
    }
}
