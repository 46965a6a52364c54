import Foundation
import LienthongConnectors
import LienthongHTTP
import LienthongJSON
import LienthongStorage
import LienthongTesting
import Testing

extension SerializedSuites {
    /// PostgreSQL lookups run on the caller's event loop through libpq's nonblocking API: a query waiting on the
    /// server holds no thread, and its loop goes on serving.
    @Suite struct PostgresLoopTests {
        /// The advisory lock a lookup of `slow` waits on: a test holds it for as long as it needs the query waiting
        /// on the server, however slow the machine, and releases it to let the query end.
        static let slowLock = 4_242

        /// A connector whose lookup of `slow` waits on the server (for ``slowLock``, shared, until its transaction
        /// ends), any other key at once (a lock no one holds).
        static func lockedConnector(
            _ cluster: PostgresCluster, application: String, poolSize: Int = 4
        ) throws -> PostgresConnector {
            var configuration = PostgresConnectorConfiguration(
                conninfo: cluster.url("application_name=\(application)"),
                lookup: "SELECT $1::text AS k FROM pg_advisory_xact_lock_shared("
                    + "CASE WHEN $1 = 'slow' THEN \(slowLock) ELSE \(slowLock + 1) END)")
            configuration.poolSize = poolSize
            return try PostgresConnector(registry: "sleepy", configuration: configuration)
        }

        /// Sessions of `application` waiting on a lock now.
        static func waiting(_ observer: PostgresConnection, _ application: String) throws -> Int {
            let result = try observer.query(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'"
                    + " AND wait_event_type = 'Lock'", [application])
            return Int(result.rows.first?.first.flatMap { $0 } ?? "") ?? 0
        }

        /// Holds ``slowLock`` in `observer`'s session, so that lookups of `slow` wait.
        static func holdSlowLock(_ observer: PostgresConnection) throws {
            _ = try observer.query("SELECT pg_advisory_lock(\(slowLock))")
        }

        /// Lets the waiting lookups of `slow` end.
        static func releaseSlowLock(_ observer: PostgresConnection) throws {
            #expect(try observer.query("SELECT pg_advisory_unlock(\(slowLock))").rows == [["t"]])
        }

        /// Looks up the key named by the path (`/slow`, `/fast`) and answers the row.
        struct LookupHandler: HTTPHandler {
            let connector: PostgresConnector

            func handle(_ request: HTTPRequest) async -> HTTPResponse {
                do {
                    let row = try await connector.lookup(key: String(request.path.dropFirst()))
                    return .json((row ?? .null).serializedBytes())
                } catch {
                    return .problem(status: 503, code: error.code.wireCode, title: "Lookup failed", detail: "\(error)")
                }
            }
        }

        @Test func aQueryWaitingOnTheServerLeavesItsLoopServingOthers() async throws {
            try await PostgresCluster.with { cluster in
                let connector = try Self.lockedConnector(cluster, application: "loop_serves")
                let observer = try PostgresConnection(cluster.url)
                try Self.holdSlowLock(observer)
                let server = HTTPServer(
                    configuration: .init(port: 0, eventLoops: 1), handler: LookupHandler(connector: connector))
                let port = try await server.start()
                let running = Task { try await server.run() }
                let client = HTTPClient()
                let slowDone = Flag()
                let slow = Task {
                    defer { slowDone.set() }
                    return try await client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/slow"))
                }
                // The one loop has sent the slow query; the server holds it waiting on the lock.
                #expect(try await Poll.until { try Self.waiting(observer, "loop_serves") == 1 })

                // Lookups of other keys on that same loop are answered meanwhile, on a second connection.
                for _ in 0..<5 {
                    let fast = try await client.send(HTTPClientRequest(url: "http://127.0.0.1:\(port)/fast"))
                    #expect(fast.status == 200)
                    #expect(String(decoding: fast.body, as: UTF8.self) == #"{"k":"fast"}"#)
                }
                #expect(!slowDone.isSet)
                try Self.releaseSlowLock(observer)
                let answer = try await slow.value
                #expect(answer.status == 200)
                #expect(String(decoding: answer.body, as: UTF8.self) == #"{"k":"slow"}"#)
                server.shutdown()
                try await running.value
                await connector.close()
            }
        }

        @Test func waitingQueriesHoldNoThread() async throws {
            func threads() throws -> Int {
                try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task").count
            }
            try await PostgresCluster.with { cluster in
                let connector = try Self.lockedConnector(cluster, application: "no_threads", poolSize: 8)
                let observer = try PostgresConnection(cluster.url)
                try Self.holdSlowLock(observer)
                // Starts the auxiliary loop, the one thread lookups of tasks on no loop use.
                #expect(try await connector.lookup(key: "warm") == ["k": "warm"])
                let before = try threads()

                let lookups = (0..<8).map { _ in Task { try await connector.lookup(key: "slow") } }
                #expect(try await Poll.until { try Self.waiting(observer, "no_threads") == 8 })
                // Eight queries wait on the server at once: with a thread per connection there were eight more.
                let during = try threads()
                #expect(during - before < 4, "threads: \(before) before, \(during) while eight queries wait")
                try Self.releaseSlowLock(observer)
                for lookup in lookups { #expect(try await lookup.value == ["k": "slow"]) }
                await connector.close()
            }
        }

        @Test func parametersReachTheLoopConnectionsFromTheFirstStatement() async throws {
            EventLoopSockets.install()
            try await PostgresCluster.with { cluster in
                let pool = PostgresConnectionPool(
                    .init(
                        conninfo: cluster.url("application_name=from_conninfo"), maximumConnections: 1,
                        onEventLoops: true,
                        parameters: ["application_name": "from_parameters", "options": "-c lock_timeout=4321"]))
                let result = try await pool.query(
                    "SELECT current_setting('application_name'), current_setting('lock_timeout')")
                #expect(result.rows == [["from_parameters", "4321ms"]])
                await pool.close()
            }
        }

        @Test func aConnectionTheServerEndedIsReplaced() async throws {
            try await PostgresCluster.with { cluster in
                let connector = try Self.lockedConnector(cluster, application: "terminated", poolSize: 1)
                let observer = try PostgresConnection(cluster.url)
                #expect(try await connector.lookup(key: "first") == ["k": "first"])

                let ended = try observer.query(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
                    ["terminated"])
                #expect(ended.rows == [["t"]])
                #expect(
                    try await Poll.until {
                        try observer.query(
                            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", ["terminated"]
                        ).rows == [["0"]]
                    })

                // The one connection is dead; the next lookup notices before sending and opens a new one.
                #expect(try await connector.lookup(key: "second") == ["k": "second"])
                #expect(try await connector.lookup(key: "third") == ["k": "third"])
                await connector.close()
            }
        }
    }
}
