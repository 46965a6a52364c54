import Dispatch
import Foundation
import LienthongStorage
import LienthongTesting
import Testing

extension PostgresServerTests {
    @Suite struct PostgresConnectionPoolTests {
        /// A table `name` with `count` rows: key `k<i>`, value `giá trị <i>`.
        private func makeTable(_ name: String, count: Int) throws -> PostgresConnection {
            let connection = try PostgresConnection(try PostgresServerTests.cluster().url)
            try connection.execute("DROP TABLE IF EXISTS \(name)")
            try connection.execute("CREATE TABLE \(name) (key text PRIMARY KEY, value text NOT NULL)")
            try connection.query(
                "INSERT INTO \(name) SELECT 'k' || i, 'giá trị ' || i FROM generate_series(1, $1::integer) AS i",
                [String(count)]
            )
            return connection
        }

        private func pool(
            _ applicationName: String,
            size: Int,
            checkoutTimeout: Duration = .seconds(10)
        ) throws -> PostgresConnectionPool {
            let cluster = try PostgresServerTests.cluster()
            return PostgresConnectionPool(
                .init(
                    conninfo: cluster.url("application_name=\(applicationName)"),
                    maximumConnections: size,
                    connectTimeout: .seconds(2),
                    checkoutTimeout: checkoutTimeout
                )
            )
        }

        /// Runs lookups of keys `k<i>` concurrently; each result is the value or the error.
        private func lookUp(_ keys: [Int], in table: String, pool: PostgresConnectionPool) async
            -> [Int: Result<String?, PostgresError>]
        {
            await withTaskGroup(of: (Int, Result<String?, PostgresError>).self) { group in
                for key in keys {
                    group.addTask {
                        do throws(PostgresError) {
                            let result = try await pool.query(
                                "SELECT value FROM \(table) WHERE key = $1",
                                ["k\(key)"],
                                prepared: true
                            )
                            return (key, .success(result.rows.first?.first ?? nil))
                        } catch {
                            return (key, .failure(error))
                        }
                    }
                }
                var results: [Int: Result<String?, PostgresError>] = [:]
                for await (key, result) in group {
                    results[key] = result
                }
                return results
            }
        }

        @Test func manyConcurrentLookupsShareABoundedPool() async throws {
            let observer = try makeTable("pool_concurrency", count: 200)
            let pool = try pool("pool_concurrency_test", size: 4)

            let results = await lookUp(Array(1...200), in: "pool_concurrency", pool: pool)

            #expect(results.count == 200)
            for (key, result) in results {
                #expect(try result.get() == "giá trị \(key)")
            }
            let statistics = await pool.statistics
            #expect(statistics.open <= 4)
            #expect(statistics.busy == 0)
            #expect(statistics.waiting == 0)
            // The server agrees: no more than four sessions of this pool.
            let sessions = try observer.query(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
                ["pool_concurrency_test"]
            )
            let count = try #require(sessions.rows.first?.first.flatMap { $0 }.flatMap { Int($0) })
            #expect((1...4).contains(count))
            #expect(count == statistics.open)
            await pool.close()
        }

        @Test func parametersOverrideTheConnectionStringFromTheFirstStatement() async throws {
            let cluster = try PostgresServerTests.cluster()
            let pool = PostgresConnectionPool(
                .init(
                    conninfo: cluster.url("application_name=from_conninfo"), maximumConnections: 1,
                    parameters: ["application_name": "from_parameters", "options": "-c lock_timeout=4321"]))
            let result = try await pool.query(
                "SELECT current_setting('application_name'), current_setting('lock_timeout')")
            #expect(result.rows == [["from_parameters", "4321ms"]])
            await pool.close()
        }

        @Test func checkoutTimesOutWhenEveryConnectionIsBusy() async throws {
            let pool = try pool("pool_timeout_test", size: 1, checkoutTimeout: .milliseconds(300))
            let release = DispatchSemaphore(value: 0)
            let (entered, enter) = AsyncStream<Void>.makeStream()
            let holder = Task {
                try await pool.withConnection { connection throws(PostgresError) in
                    _ = try connection.query("SELECT 1")
                    enter.yield()
                    release.wait()
                }
            }
            await entered.first { _ in true }

            let error = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
            #expect(error?.code == .timeout)

            release.signal()
            try await holder.value
            #expect(try await pool.query("SELECT 2").rows == [["2"]])
            await pool.close()
        }

        @Test func cancelledWaiterStopsWaiting() async throws {
            let pool = try pool("pool_cancel_test", size: 1, checkoutTimeout: .seconds(60))
            let release = DispatchSemaphore(value: 0)
            let (entered, enter) = AsyncStream<Void>.makeStream()
            let holder = Task {
                try await pool.withConnection { _ throws(PostgresError) in
                    enter.yield()
                    release.wait()
                }
            }
            await entered.first { _ in true }
            let waiter = Task { try await pool.query("SELECT 1") }
            while await pool.statistics.waiting == 0 {
                await Task.yield()
            }

            waiter.cancel()
            let error = await #expect(throws: PostgresError.self) { try await waiter.value }
            #expect(error?.code == .cancelled)
            #expect(await pool.statistics.waiting == 0)

            release.signal()
            try await holder.value
            await pool.close()
        }

        @Test func closingFailsWaitersAndLaterCallers() async throws {
            let pool = try pool("pool_close_test", size: 1, checkoutTimeout: .seconds(60))
            let release = DispatchSemaphore(value: 0)
            let (entered, enter) = AsyncStream<Void>.makeStream()
            let holder = Task {
                try await pool.withConnection { connection throws(PostgresError) in
                    enter.yield()
                    release.wait()
                    return try connection.query("SELECT 'done'").rows
                }
            }
            await entered.first { _ in true }
            let waiter = Task { try await pool.query("SELECT 1") }
            while await pool.statistics.waiting == 0 {
                await Task.yield()
            }

            await pool.close()
            let waiterError = await #expect(throws: PostgresError.self) { try await waiter.value }
            #expect(waiterError?.code == .poolClosed)

            // Work already running finishes; its connection is then closed, not pooled.
            release.signal()
            #expect(try await holder.value == [["done"]])
            #expect(await pool.statistics == .init(open: 0, idle: 0, busy: 0, waiting: 0))
            let later = await #expect(throws: PostgresError.self) { try await pool.query("SELECT 1") }
            #expect(later?.code == .poolClosed)
        }

        @Test func lookupsFailFastWhileTheServerIsDownAndRecoverAfter() async throws {
            let cluster = try PostgresServerTests.cluster()
            _ = try makeTable("pool_restart", count: 100)
            let pool = try pool("pool_restart_test", size: 4)
            let keys = Array(1...100)
            for (key, result) in await lookUp(keys, in: "pool_restart", pool: pool) {
                #expect(try result.get() == "giá trị \(key)")
            }

            // Stop the server while lookups keep running: each one succeeds with the right value
            // or fails with a connection error; none hangs.
            let stopped = Flag()
            let running = Task {
                var results: [(Int, Result<String?, PostgresError>)] = []
                while !stopped.isSet {
                    results += await lookUp(Array(1...8), in: "pool_restart", pool: pool).map { ($0, $1) }
                }
                return results
            }
            try await cluster.stop()
            stopped.set()
            let duringStop = await running.value
            #expect(!duringStop.isEmpty)
            for (key, result) in duringStop {
                switch result {
                case .success(let value): #expect(value == "giá trị \(key)")
                case .failure(let error): #expect([.connectionLost, .connect].contains(error.code))
                }
            }

            let clock = ContinuousClock()
            let start = clock.now
            let whileDown = await lookUp(Array(1...20), in: "pool_restart", pool: pool)
            let elapsed = clock.now - start
            #expect(whileDown.count == 20)
            for result in whileDown.values {
                #expect(throws: PostgresError.self) { try result.get() }
                if case .failure(let error) = result {
                    #expect([.connectionLost, .connect].contains(error.code))
                }
            }
            // Refused connections fail at once; the bound only catches a hang.
            #expect(elapsed < .seconds(15))

            try await cluster.start()
            // The same pool, no reset: broken connections were dropped, new ones open.
            #expect(
                try await pool.query("SELECT value FROM pool_restart WHERE key = $1", ["k7"]).rows == [
                    ["giá trị 7"]
                ])
            for (key, result) in await lookUp(keys, in: "pool_restart", pool: pool) {
                #expect(try result.get() == "giá trị \(key)")
            }
            await pool.close()
        }

        @Test func idleConnectionsAreReplacedAfterARestart() async throws {
            let cluster = try PostgresServerTests.cluster()
            _ = try makeTable("pool_idle_restart", count: 20)
            let pool = try pool("pool_idle_restart_test", size: 4)
            for (key, result) in await lookUp(Array(1...20), in: "pool_idle_restart", pool: pool) {
                #expect(try result.get() == "giá trị \(key)")
            }
            #expect(await pool.statistics.idle >= 1)

            try await cluster.stop()
            try await cluster.start()

            // Every idle connection is dead; the pool notices before sending a query.
            for (key, result) in await lookUp(Array(1...20), in: "pool_idle_restart", pool: pool) {
                #expect(try result.get() == "giá trị \(key)")
            }
            await pool.close()
        }
    }
}
