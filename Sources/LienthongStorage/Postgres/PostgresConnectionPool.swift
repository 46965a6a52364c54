import Dispatch

/// A bounded pool of ``PostgresConnection``s shared by many tasks.
///
/// With ``Configuration/onEventLoops`` (the PostgreSQL connector, the replay window), statements
/// (``query(_:_:prepared:)``, ``run(_:)``) run on the event loop of the calling task, or the
/// auxiliary loop for a task on none: each loop has up to ``Configuration/maximumConnections`` nonblocking
/// connections of the pool (`PostgresLoopConnections`), opened with `PQconnectStart` and driven by the loop's
/// events, so no thread waits for the server and the caller resumes on its loop. A task that finds all of them busy
/// waits, first come first served, for at most ``Configuration/checkoutTimeout``.
///
/// ``withConnection(_:)`` lends a blocking connection instead, for work that holds one across many statements
/// (bulk loads, tools); it runs on that connection's own serial `DispatchQueue`, never on a loop, and so do
/// statements of a pool without ``Configuration/onEventLoops`` or in a process that has no event loops.
/// ``statistics`` counts these blocking connections only: the two kinds are bounded separately.
///
/// Broken connections are dropped, never handed out again: one that failed with
/// ``PostgresError/Code/connectionLost`` is discarded when returned, and an idle one is checked
/// without blocking (``PostgresConnection/isAlive()``) before reuse. So after the server
/// restarts, lookups fail fast while it is down and then recover by themselves.
///
/// ```swift
/// let pool = PostgresConnectionPool(.init(conninfo: "postgresql://postgres@127.0.0.1:5432/lienthong"))
/// let result = try await pool.query("SELECT ten_doanh_nghiep FROM doanh_nghiep WHERE ma_so_doanh_nghiep = $1",
///                                   ["0101234567"], prepared: true)
/// await pool.close()
/// ```
public actor PostgresConnectionPool {
    /// How the pool connects and how long callers wait.
    public struct Configuration: Sendable {
        /// The libpq connection string or URI.
        public var conninfo: String
        /// The most connections open at once (at least 1).
        public var maximumConnections: Int
        /// How long opening one connection may take (libpq `connect_timeout`, whole seconds, at least 2).
        public var connectTimeout: Duration
        /// How long a caller waits for a busy pool to free a connection before
        /// ``PostgresError/Code/timeout``.
        public var checkoutTimeout: Duration
        /// Whether statements run on the caller's event loop, through nonblocking connections of that loop, when
        /// the process has loops (see ``PostgresConnectionPool/run(_:)``); otherwise on the blocking connections
        /// that ``PostgresConnectionPool/withConnection(_:)`` lends.
        public var onEventLoops: Bool
        /// More libpq keywords for every connection, overriding those of ``conninfo``: `application_name`, and
        /// `options` for session settings (`-c synchronous_commit=on`) that hold from the first statement on.
        public var parameters: [String: String]

        /// Creates a configuration.
        /// - Parameters:
        ///   - conninfo: The libpq connection string or URI.
        ///   - maximumConnections: The most connections open at once (at least 1).
        ///   - connectTimeout: How long opening one connection may take.
        ///   - checkoutTimeout: How long a caller waits for a free connection.
        ///   - onEventLoops: Whether statements run on the caller's event loop (each loop's own connections).
        ///   - parameters: More libpq keywords for every connection, overriding those of `conninfo`.
        public init(
            conninfo: String,
            maximumConnections: Int = 4,
            connectTimeout: Duration = .seconds(5),
            checkoutTimeout: Duration = .seconds(10),
            onEventLoops: Bool = false,
            parameters: [String: String] = [:]
        ) {
            self.conninfo = conninfo
            self.maximumConnections = maximumConnections
            self.connectTimeout = connectTimeout
            self.checkoutTimeout = checkoutTimeout
            self.onEventLoops = onEventLoops
            self.parameters = parameters
        }
    }

    /// A snapshot of the pool's state, for metrics and tests.
    public struct Statistics: Sendable, Hashable {
        /// Connections open or being opened.
        public var open: Int
        /// Open connections waiting for work.
        public var idle: Int
        /// Connections checked out or being opened.
        public var busy: Int
        /// Callers waiting for a connection.
        public var waiting: Int

        /// Creates a snapshot.
        /// - Parameters:
        ///   - open: Connections open or being opened.
        ///   - idle: Open connections waiting for work.
        ///   - busy: Connections checked out or being opened.
        ///   - waiting: Callers waiting for a connection.
        public init(open: Int, idle: Int, busy: Int, waiting: Int) {
            self.open = open
            self.idle = idle
            self.busy = busy
            self.waiting = waiting
        }
    }

    /// What a waiting caller is given: a free connection, or the right to open one.
    private enum Grant: Sendable {
        case connection(PooledConnection)
        case openSlot
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Result<Grant, PostgresError>, Never>
        let timeout: Task<Void, Never>
    }

    /// A connection and the serial queue its blocking calls run on.
    private struct PooledConnection: Sendable {
        let connection: PostgresConnection
        let queue: DispatchQueue
    }

    /// The configuration the pool was created with.
    public nonisolated let configuration: Configuration
    /// The pool's connections on event loops (see `PostgresConnectionPool+Loops.swift`).
    nonisolated let loops = PostgresPoolLoops()

    private var idle: [PooledConnection] = []
    /// Connections open or being opened, idle or checked out.
    private var openCount = 0
    private var waiters: [Waiter] = []
    private var nextWaiterID: UInt64 = 0
    private var isClosed = false

    /// Creates a pool; no connection opens until the first checkout.
    /// - Parameter configuration: How to connect and how long to wait.
    public init(_ configuration: Configuration) {
        precondition(configuration.maximumConnections >= 1, "a pool needs at least one connection")
        self.configuration = configuration
    }

    /// The pool's current state.
    public var statistics: Statistics {
        Statistics(open: openCount, idle: idle.count, busy: openCount - idle.count, waiting: waiters.count)
    }

    /// Runs `body` with a connection of the pool, on that connection's own thread.
    ///
    /// The connection returns to the pool afterwards; if `body` failed with
    /// ``PostgresError/Code/connectionLost`` it is discarded instead.
    /// - Parameter body: Blocking work with the connection; it must not keep the connection.
    /// - Returns: What `body` returned.
    /// - Throws: What `body` threw; ``PostgresError/Code/timeout`` when no connection freed up
    ///   in time, ``PostgresError/Code/connect`` when a new one could not be opened,
    ///   ``PostgresError/Code/poolClosed``, ``PostgresError/Code/cancelled``.
    public nonisolated func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws(PostgresError) -> T
    ) async throws(PostgresError) -> T {
        let pooled = try await checkout()
        let result = await Self.run(on: pooled.queue) {
            Result { () throws(PostgresError) -> T in try body(pooled.connection) }
        }
        var broken = false
        if case .failure(let error) = result, error.code == .connectionLost {
            broken = true
        }
        await checkin(pooled, broken: broken)
        return try result.get()
    }

    /// Runs one statement on a pooled connection; see ``PostgresConnection/query(_:_:prepared:)``.
    /// - Parameters:
    ///   - sql: One SQL statement with `$n` parameters.
    ///   - parameters: The parameter values, `nil` for SQL `NULL`; always bound, never spliced.
    ///   - prepared: Whether to prepare the statement once per connection and reuse it.
    /// - Returns: The rows.
    /// - Throws: As ``withConnection(_:)`` and ``PostgresConnection/query(_:_:prepared:)``.
    @discardableResult
    public nonisolated func query(_ sql: String, _ parameters: [String?] = [], prepared: Bool = false)
        async throws(PostgresError) -> PostgresResult
    {
        let statement = PostgresStatement(sql, parameters, prepared: prepared)
        let results = try await run { done in done.isEmpty ? statement : nil }
        return results[0]
    }

    /// Closes the pool: waiting callers fail with ``PostgresError/Code/poolClosed``, idle
    /// connections close now, checked-out ones when they are returned.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        loops.close()
        let waiting = waiters
        waiters.removeAll()
        for waiter in waiting {
            waiter.timeout.cancel()
            waiter.continuation.resume(returning: .failure(PostgresError(.poolClosed, "the pool is closed")))
        }
        openCount -= idle.count
        idle.forEach(Self.discard)
        idle.removeAll()
    }

    // MARK: - Checkout and checkin

    private func checkout() async throws(PostgresError) -> PooledConnection {
        guard !isClosed else { throw PostgresError(.poolClosed, "the pool is closed") }
        // Most recently used first: it is the likeliest to be warm.
        while let pooled = idle.popLast() {
            if pooled.connection.isAlive() {
                return pooled
            }
            openCount -= 1
            Self.discard(pooled)
        }
        if openCount < configuration.maximumConnections {
            openCount += 1
            return try await open()
        }
        switch try await wait() {
        case .connection(let pooled):
            return pooled
        case .openSlot:
            return try await open()
        }
    }

    /// Opens a connection in a slot already counted in `openCount`; gives the slot up on failure.
    private func open() async throws(PostgresError) -> PooledConnection {
        let queue = DispatchQueue(label: "lienthong.postgres.connection")
        let configuration = configuration
        let result = await Self.run(on: queue) {
            Result { () throws(PostgresError) -> PostgresConnection in
                try PostgresConnection(
                    configuration.conninfo, connectTimeout: configuration.connectTimeout,
                    parameters: configuration.parameters)
            }
        }
        // Re-check: the pool may have closed while we connected.
        switch result {
        case .success(let connection) where isClosed:
            openCount -= 1
            Self.discard(PooledConnection(connection: connection, queue: queue))
            throw PostgresError(.poolClosed, "the pool is closed")
        case .success(let connection):
            return PooledConnection(connection: connection, queue: queue)
        case .failure(let error):
            openCount -= 1
            handOffFreeSlot()
            throw error
        }
    }

    private func checkin(_ pooled: PooledConnection, broken: Bool) {
        guard !isClosed, !broken, pooled.connection.isConnected else {
            openCount -= 1
            Self.discard(pooled)
            handOffFreeSlot()
            return
        }
        if let waiter = removeFirstWaiter() {
            waiter.continuation.resume(returning: .success(.connection(pooled)))
        } else {
            idle.append(pooled)
        }
    }

    /// Lets the first waiter open a connection in a slot that just came free.
    private func handOffFreeSlot() {
        guard !isClosed, openCount < configuration.maximumConnections, let waiter = removeFirstWaiter() else {
            return
        }
        openCount += 1
        waiter.continuation.resume(returning: .success(.openSlot))
    }

    private func wait() async throws(PostgresError) -> Grant {
        nextWaiterID += 1
        let id = nextWaiterID
        let timeout = configuration.checkoutTimeout
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<Grant, PostgresError>, Never>) in
                let timer = Task { [weak self] in
                    guard (try? await Task.sleep(for: timeout)) != nil else { return }
                    await self?.failWaiter(id, PostgresError(.timeout, "no connection became free within \(timeout)"))
                }
                waiters.append(Waiter(id: id, continuation: continuation, timeout: timer))
            }
        } onCancel: {
            Task { await self.failWaiter(id, PostgresError(.cancelled, "cancelled while waiting for a connection")) }
        }
        return try result.get()
    }

    private func failWaiter(_ id: UInt64, _ error: PostgresError) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters.remove(at: index)
        waiter.timeout.cancel()
        waiter.continuation.resume(returning: .failure(error))
    }

    private func removeFirstWaiter() -> Waiter? {
        guard !waiters.isEmpty else { return nil }
        let waiter = waiters.removeFirst()
        waiter.timeout.cancel()
        return waiter
    }

    // MARK: - Threads

    /// Runs blocking work on `queue` and resumes the caller when it is done.
    private static func run<T: Sendable>(on queue: DispatchQueue, _ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work()) }
        }
    }

    /// Closes a connection on its own queue (`PQfinish` may write to the socket).
    private static func discard(_ pooled: PooledConnection) {
        pooled.queue.async { withExtendedLifetime(pooled.connection) {} }
    }
}
