import LienthongStorage
import Synchronization

/// A few ``PostgresSession``s taken in turn, for calls that must stay synchronous and short (reading attachment
/// chunks out): concurrent readers use different connections instead of waiting on one.
///
/// Still blocking, inline on the caller's thread: an `AttachmentSource` is read by libcurl's synchronous read
/// callback (a document sent to another node), which cannot await the loops' nonblocking connections
/// (`PostgresConnectionPool.nodeState`) that the rest of the node's state in PostgreSQL uses.
final class PostgresSessions: Sendable {
    private let sessions: [PostgresSession]
    private let next = Atomic<Int>(0)

    /// `count` sessions on `conninfo`, each committing with `synchronous_commit = on` whatever the server's default,
    /// so a call that commits returns once the change is durable.
    init(conninfo: String, count: Int, applicationName: String) {
        sessions = (0..<max(1, count)).map { _ in
            PostgresSession(conninfo: conninfo) { connection throws(PostgresError) in
                try connection.execute("SET synchronous_commit = on; SET application_name = '\(applicationName)'")
            }
        }
    }

    /// Runs `body` on the next session in turn.
    func run<T>(_ body: (PostgresConnection) throws(PostgresError) -> T) throws(PostgresError) -> T {
        let index = next.add(1, ordering: .relaxed).oldValue % sessions.count
        return try sessions[index].run(body)
    }

    /// Runs `body` in a transaction on the next session: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: (PostgresConnection) throws(PostgresError) -> T) throws(PostgresError) -> T {
        try run { connection throws(PostgresError) -> T in
            try connection.execute("BEGIN")
            do throws(PostgresError) {
                let result = try body(connection)
                try connection.execute("COMMIT")
                return result
            } catch {
                _ = try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }

    /// Closes every session.
    func close() {
        for session in sessions { session.close() }
    }
}
