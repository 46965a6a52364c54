import Dispatch
import Foundation
import LienthongJSON
import LienthongStorage
import Synchronization

/// `direct`: the baseline of a database connector kind. The registry's configured lookup query, run straight
/// against the same database through the same client library as the connector (libsqlite3 or libpq, through
/// LienthongStorage's thin wrappers), by `connections` workers on threads of their own for a fixed time; each
/// worker has its own connection, prepares the query once, and asks the keys in its own shuffled order.
///
/// Prints one JSON line: `{"kind":"direct","scenario":"direct-sqlite","connections":16,"durationSeconds":2.0,
/// "operations":N,"opsPerSecond":X,"misses":0,"errors":0,"latencyMs":{"p50":…,"p90":…,"p99":…,"max":…}}`.
enum DirectLookup {
    /// What one configured connector needs to be queried directly.
    struct Target: Sendable {
        enum Database: Sendable {
            case sqlite(path: String)
            case postgres(conninfo: String)
        }

        var kind: String
        var database: Database
        var lookup: String

        /// Reads `registries/<name>.json`: the connector's kind and lookup query; an SQLite `path` resolves against
        /// `dataDirectory`; PostgreSQL needs `url` (the file's own names an environment placeholder).
        init(connectorFile: String, dataDirectory: String?, url: String?) throws {
            let document = try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: connectorFile))))
            guard let connector = document["connector"], let kind = connector["kind"]?.stringValue,
                let lookup = connector["lookup"]?.stringValue
            else { throw BenchError("\(connectorFile): no connector with kind and lookup") }
            switch kind {
            case "sqlite":
                guard let path = connector["path"]?.stringValue else { throw BenchError("\(connectorFile): no path") }
                let resolved = path.hasPrefix("/") ? path : ((dataDirectory ?? ".") as NSString).appendingPathComponent(path)
                database = .sqlite(path: resolved)
            case "postgres":
                guard let url else { throw BenchError("direct: --url is required for a postgres connector") }
                database = .postgres(conninfo: url)
            default:
                throw BenchError("direct: connector kind \(kind) has no direct baseline (sqlite, postgres)")
            }
            self.kind = kind
            self.lookup = lookup
        }
    }

    /// What every worker did, merged.
    struct Tally: Sendable {
        var latencies: [UInt64] = []  // nanoseconds, one per operation
        var misses = 0
        var errors = 0
        /// The first error's text: one says what failed, the count says how often.
        var firstError: String?

        mutating func add(_ other: Tally) {
            latencies += other.latencies
            misses += other.misses
            errors += other.errors
            firstError = firstError ?? other.firstError
        }
    }

    /// What the workers share: the merged tally and the end of the measured time.
    private final class Shared: Sendable {
        let tally = Mutex(Tally())
        let deadline = Atomic<UInt64>(0)
    }

    /// One worker's connection, opened before the clock starts.
    protocol Session {
        /// Runs the lookup for `key`, reading every column of every row; returns the row count (an insert: 1).
        func lookup(_ key: String) throws -> Int
    }

    private final class SQLiteSession: Session {
        let database: SQLiteDatabase
        let statement: SQLiteStatement

        init(path: String, sql: String) throws {
            database = try SQLiteDatabase(path: path, mode: .readOnly)
            statement = try database.prepare(sql)
        }

        func lookup(_ key: String) throws -> Int {
            defer { statement.reset() }
            try statement.bind(.text(key), at: 1)
            var rows = 0
            while try statement.step() {
                for column in 0..<statement.columnCount { _ = statement.value(at: column) }
                rows += 1
            }
            return rows
        }
    }

    private final class PostgresSession: Session {
        let connection: PostgresConnection
        let sql: String

        init(conninfo: String, sql: String) throws {
            connection = try PostgresConnection(conninfo)
            self.sql = sql
        }

        func lookup(_ key: String) throws -> Int {
            try connection.query(sql, [key], prepared: true).count
        }
    }

    /// Runs the workers and returns the result line.
    static func run(_ target: Target, keys: [String], connections: Int, seconds: Double) throws -> JSONValue {
        try measure(
            scenario: "direct-\(target.kind)", client: target.kind == "sqlite" ? "libsqlite3" : "libpq", keys: keys,
            connections: connections, seconds: seconds
        ) {
            switch target.database {
            case .sqlite(let path): try SQLiteSession(path: path, sql: target.lookup)
            case .postgres(let conninfo): try PostgresSession(conninfo: conninfo, sql: target.lookup)
            }
        }
    }

    /// Runs `connections` workers, each on a session `open` makes before the clock starts, for `seconds`, each
    /// through `keys` in its own shuffled order; returns the result line named `scenario`.
    static func measure(
        scenario: String, client: String, keys: [String], connections: Int, seconds: Double,
        open: @escaping @Sendable () throws -> any Session
    ) throws -> JSONValue {
        guard !keys.isEmpty else { throw BenchError("direct: no keys") }
        guard connections >= 1, seconds > 0 else { throw BenchError("direct: connections and seconds must be positive") }
        let shared = Shared()
        let ready = DispatchGroup()
        let finished = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        for _ in 0..<connections {
            ready.enter()
            finished.enter()
            Thread {
                defer { finished.leave() }
                let session: any Session
                do {
                    session = try open()
                } catch {
                    shared.tally.withLock { $0.add(Tally(errors: 1, firstError: "connect: \(error)")) }
                    ready.leave()
                    return
                }
                // Connections open before the clock starts: the measured time holds lookups only.
                ready.leave()
                start.wait()
                let end = shared.deadline.load(ordering: .acquiring)
                var mine = Tally()
                var order = keys.shuffled()
                var index = 0
                var now = DispatchTime.now().uptimeNanoseconds
                while now < end {
                    if index == order.count {
                        order.shuffle()
                        index = 0
                    }
                    let began = now
                    do {
                        if try session.lookup(order[index]) == 0 { mine.misses += 1 }
                    } catch {
                        mine.errors += 1
                        mine.firstError = mine.firstError ?? "\(error)"
                    }
                    index += 1
                    now = DispatchTime.now().uptimeNanoseconds
                    mine.latencies.append(now - began)
                }
                shared.tally.withLock { $0.add(mine) }
            }.start()
        }
        ready.wait()
        let began = DispatchTime.now().uptimeNanoseconds
        shared.deadline.store(began + UInt64(seconds * 1e9), ordering: .releasing)
        for _ in 0..<connections { start.signal() }
        finished.wait()
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
        return line(
            scenario: scenario, client: client, connections: connections, seconds: elapsed,
            tally: shared.tally.withLock { $0 })
    }

    static func line(
        scenario: String, client: String, connections: Int, seconds: Double, tally: Tally
    ) -> JSONValue {
        let sorted = tally.latencies.sorted()
        func percentile(_ p: Double) -> JSONValue {
            guard !sorted.isEmpty else { return 0 }
            let index = min(sorted.count - 1, Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1)
            return .number(JSONNumber(round3(Double(sorted[max(0, index)]) / 1e6)))
        }
        var object: JSONObject = [
            "kind": "direct", "scenario": .string(scenario),
            "connections": .number(JSONNumber(connections)), "durationSeconds": .number(JSONNumber(round3(seconds))),
            "operations": .number(JSONNumber(sorted.count)),
            "opsPerSecond": .number(JSONNumber(round3(seconds > 0 ? Double(sorted.count) / seconds : 0))),
            "misses": .number(JSONNumber(tally.misses)), "errors": .number(JSONNumber(tally.errors)),
            "latencyMs": ["p50": percentile(50), "p90": percentile(90), "p99": percentile(99), "max": percentile(100)],
            "client": .string(client),
        ]
        if let first = tally.firstError { object["failure"] = .string(first) }
        return .object(object)
    }
}
