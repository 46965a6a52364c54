import LienthongStorage
import Synchronization

/// A few ``PostgresSession``s taken in turn, for a store whose calls are synchronous and short (the message queue,
/// the attachment chunks): concurrent requests use different connections instead of waiting on one.
///
/// Still blocking, inline on the caller's thread (a loop for a handler): the stores on it implement `MessageQueue`,
/// `AttachmentStore` and `EventLog`, synchronous protocols shared with SQLite, so they cannot await the loops'
/// nonblocking connections (`PostgresConnectionPool` with `onEventLoops`) until those protocols become async.
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
