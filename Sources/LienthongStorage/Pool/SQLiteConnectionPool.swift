import Synchronization

/// A bounded pool of ``SQLiteDatabase`` connections to one file, shared by many tasks.
///
/// Connections are opened lazily up to ``Configuration/size``; when all are in use, callers wait (without
/// blocking a thread) until one is returned. The caller's closure runs inline, on the caller's thread: on the
/// server that is the event loop that read the request, where a point read (a few microseconds) costs less than
/// any hand-off to another thread would (see the "Threads" section of docs/ARCHITECTURE.md). A connection is held
/// only while the closure runs, never across a suspension.
///
/// ```swift
/// let pool = SQLiteConnectionPool(configuration: .init(path: "population.sqlite", mode: .readOnly, size: 4))
/// let count = try await pool.withConnection { db throws(StorageError) in
///     try db.query("SELECT count(*) FROM cong_dan").first?.first
/// }
/// ```
public final class SQLiteConnectionPool: Sendable {
    /// How the pool opens its connections.
    public struct Configuration: Sendable {
        /// The database file.
        public var path: String
        /// How each connection opens the file.
        public var mode: SQLiteOpenMode
        /// The most connections open at once (at least 1).
        public var size: Int
        /// How long a statement waits for a lock before `storage.busy`.
        public var busyTimeoutMilliseconds: Int32
        /// Whether to switch a writable database to WAL when a connection opens.
        public var enableWAL: Bool
        /// How many bytes of the file each connection reads through a memory map (`PRAGMA mmap_size`); 0 reads
        /// with `pread`. A read transaction of a rollback-journal database reads the file's change counter first:
        /// mapped, that is a memory read instead of a system call.
        public var mmapBytes: Int64

        /// Creates a configuration.
        public init(
            path: String,
            mode: SQLiteOpenMode = .readOnly,
            size: Int = 4,
            busyTimeoutMilliseconds: Int32 = 5_000,
            enableWAL: Bool = false,
            mmapBytes: Int64 = 0
        ) {
            self.path = path
            self.mode = mode
            self.size = max(1, size)
            self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
            self.enableWAL = enableWAL
            self.mmapBytes = max(0, mmapBytes)
        }
    }

    /// The configuration the pool was created with.
    public let configuration: Configuration
    private let state: Mutex<State>

    /// Creates a pool; no connection is opened until first use.
    public init(configuration: Configuration) {
        self.configuration = configuration
        self.state = Mutex(State())
    }

    /// Runs `body` with a connection held exclusively for its duration, on the caller's thread.
    /// - Parameter body: Short, synchronous database work; it must not keep the connection or its statements.
    /// - Returns: What `body` returns.
    /// - Throws: `body`'s error, `storage.open` if a new connection cannot be opened, `storage.pool-closed` after
    ///   ``close()``, `storage.cancelled` if the task is cancelled while waiting for a connection.
    public func withConnection<T: Sendable>(
        _ body: @escaping @Sendable (SQLiteDatabase) throws(StorageError) -> T
    ) async throws(StorageError) -> T {
        let connection = try await checkout()
        defer { checkin(connection) }
        return try body(connection.database)
    }

    /// Closes idle connections and fails every waiter with `storage.pool-closed`; connections in use close when
    /// they are returned.
    public func close() {
        let (waiters, idle) = state.withLock { state in
            state.closed = true
            defer {
                state.waiters.removeAll()
                state.idle.removeAll()
            }
            return (state.waiters, state.idle)
        }
        for waiter in waiters { waiter.continuation.resume(returning: .failure(Self.closedError)) }
        _ = idle  // released here, which closes the connections
    }

    /// How many connections are open now (idle or in use).
    public var openConnections: Int { state.withLock { $0.created } }

    // MARK: Checkout

    private static let closedError = StorageError(code: .poolClosed, detail: "pool: closed")

    private func checkout() async throws(StorageError) -> PooledConnection {
        let lease: Lease
        switch state.withLock({ $0.acquire(limit: configuration.size) }) {
        case .lease(let immediate):
            lease = immediate
        case .closed:
            throw Self.closedError
        case .wait(let id):
            let result: Result<Lease, StorageError> = await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let enqueued = state.withLock { $0.enqueue(id: id, continuation) }
                    if !enqueued {
                        let error =
                            Task.isCancelled
                            ? StorageError(code: .cancelled, detail: "pool: cancelled while waiting") : Self.closedError
                        continuation.resume(returning: .failure(error))
                    }
                }
            } onCancel: {
                let waiter = state.withLock { $0.removeWaiter(id: id) }
                waiter?.continuation.resume(
                    returning: .failure(StorageError(code: .cancelled, detail: "pool: cancelled while waiting"))
                )
            }
            lease = try result.get()
        }
        switch lease {
        case .existing(let connection):
            return connection
        case .create:
            do {
                return try open()
            } catch {
                // The slot reserved for this connection passes to the next waiter, who tries to open again.
                let next = state.withLock { $0.releaseSlot() }
                next?.continuation.resume(returning: .success(.create))
                throw error
            }
        }
    }

    private func open() throws(StorageError) -> PooledConnection {
        let database = try SQLiteDatabase(
            path: configuration.path,
            mode: configuration.mode,
            busyTimeoutMilliseconds: configuration.busyTimeoutMilliseconds
        )
        if configuration.enableWAL, configuration.mode != .readOnly { try database.enableWAL() }
        if configuration.mmapBytes > 0 { try database.execute("PRAGMA mmap_size=\(configuration.mmapBytes)") }
        return PooledConnection(database: database)
    }

    private func checkin(_ connection: PooledConnection) {
        let waiter = state.withLock { $0.release(connection) }
        waiter?.continuation.resume(returning: .success(.existing(connection)))
    }
}

/// A connection of the pool.
///
/// `@unchecked Sendable`: the pool hands a connection to one caller at a time, and that caller uses it only while
/// its synchronous closure runs, so the non-`Sendable` database is never used from two threads at once.
final class PooledConnection: @unchecked Sendable {
    let database: SQLiteDatabase

    init(database: SQLiteDatabase) {
        self.database = database
    }
}

/// What a caller gets from the pool: an open connection, or the right to open a new one.
enum Lease: Sendable {
    case existing(PooledConnection)
    case create
}

extension SQLiteConnectionPool {
    struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Result<Lease, StorageError>, Never>
    }

    enum Acquisition {
        case lease(Lease)
        case wait(UInt64)
        case closed
    }

    /// The pool's bookkeeping; only touched under the mutex.
    struct State: ~Copyable {
        var idle: [PooledConnection] = []
        var created = 0
        var waiters: [Waiter] = []
        var closed = false
        var nextWaiterID: UInt64 = 0

        mutating func acquire(limit: Int) -> Acquisition {
            if closed { return .closed }
            if let connection = idle.popLast() { return .lease(.existing(connection)) }
            if created < limit {
                created += 1
                return .lease(.create)
            }
            nextWaiterID += 1
            return .wait(nextWaiterID)
        }

        /// Adds a waiter; `false` if the pool closed or the task was cancelled since ``acquire(limit:)``.
        mutating func enqueue(id: UInt64, _ continuation: CheckedContinuation<Result<Lease, StorageError>, Never>)
            -> Bool
        {
            // Checked under the lock that onCancel also takes, so a cancellation is never missed.
            if closed || Task.isCancelled { return false }
            waiters.append(Waiter(id: id, continuation: continuation))
            return true
        }

        mutating func removeWaiter(id: UInt64) -> Waiter? {
            guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return waiters.remove(at: index)
        }

        /// Hands `connection` to the first waiter, or keeps it idle (or drops it when closed).
        mutating func release(_ connection: PooledConnection) -> Waiter? {
            if closed {
                created -= 1
                return nil
            }
            if !waiters.isEmpty { return waiters.removeFirst() }
            idle.append(connection)
            return nil
        }

        /// A connection failed to open: its slot goes to the first waiter, or is freed.
        mutating func releaseSlot() -> Waiter? {
            if !closed, !waiters.isEmpty { return waiters.removeFirst() }
            created -= 1
            return nil
        }
    }
}
