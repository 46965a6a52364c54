internal import CSQLite

/// One SQLite connection.
///
/// A connection is used by one thread at a time: the type is deliberately not `Sendable`. Share a database between
/// tasks through a ``SQLiteConnectionPool``, which hands each connection to one caller at a time.
///
/// ```swift
/// let db = try SQLiteDatabase(path: "/var/lib/lienthong/audit.sqlite", mode: .readWriteCreate)
/// try db.enableWAL()
/// let statement = try db.prepare("SELECT ho_ten FROM cong_dan WHERE so_dinh_danh = ?1")
/// try statement.bind("001090012345", at: 1)
/// while try statement.step() { print(statement.string(at: 0) ?? "") }
/// ```
public final class SQLiteDatabase {
    let handle: OpaquePointer
    /// The path the connection was opened with.
    public let path: String
    /// The mode the connection was opened with.
    public let mode: SQLiteOpenMode
    /// Statements compiled once and kept for ``withCachedStatement(_:_:)`` and ``query(_:_:)``, by SQL text.
    private var cachedStatements: [String: SQLiteStatement] = [:]
    /// How many statements the cache keeps; when it is full, one of them makes room for the next.
    static let statementCacheLimit = 64

    /// Opens a connection.
    /// - Parameters:
    ///   - path: A file path, or `:memory:` for a private in-memory database.
    ///   - mode: Read-only, read-write, or read-write creating the file.
    ///   - busyTimeoutMilliseconds: How long a statement waits for a lock before failing with `storage.busy`.
    /// - Throws: `storage.open` when SQLite cannot open the file.
    public init(path: String, mode: SQLiteOpenMode = .readWrite, busyTimeoutMilliseconds: Int32 = 5_000)
        throws(StorageError)
    {
        var flags: Int32 =
            switch mode {
            case .readOnly: SQLITE_OPEN_READONLY
            case .readWrite: SQLITE_OPEN_READWRITE
            case .readWriteCreate: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
            }
        // Multi-thread mode: SQLite does no locking of its own; the one-thread-at-a-time rule is ours.
        flags |= SQLITE_OPEN_NOMUTEX
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let extended = db.map { sqlite3_extended_errcode($0) } ?? rc
            if let db { sqlite3_close_v2(db) }
            throw SQLiteResult.error(extended, operation: "open", fallback: .open).withCode(.open)
        }
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
        self.handle = db
        self.path = path
        self.mode = mode
    }

    deinit {
        // The cached statements do not keep the connection alive (that would be a cycle): finalize them first.
        cachedStatements.removeAll()
        // close_v2 defers the close until every statement of this connection has been finalized.
        sqlite3_close_v2(handle)
    }

    /// Switches the database to write-ahead logging (readers do not block the writer).
    /// - Throws: `storage.execute` if the journal mode cannot be changed.
    public func enableWAL() throws(StorageError) {
        let statement = try prepare("PRAGMA journal_mode=WAL")
        _ = try statement.step()
        guard statement.string(at: 0)?.lowercased() == "wal" || path == ":memory:" else {
            throw StorageError(code: .execute, detail: "journal_mode: WAL not accepted")
        }
    }

    /// Runs one or more SQL statements that take no parameters and return no rows of interest (DDL, pragmas).
    /// - Throws: `storage.execute`, or a more specific code such as `storage.constraint`.
    public func execute(_ sql: String) throws(StorageError) {
        let rc = sqlite3_exec(handle, sql, nil, nil, nil)
        guard rc == SQLITE_OK else {
            throw SQLiteResult.error(sqlite3_extended_errcode(handle), operation: "execute", fallback: .execute)
        }
    }

    /// Compiles one SQL statement.
    /// - Parameter sql: The statement; parameters as `?NNN`, `:name`, `@name` or `$name`. Values are always bound,
    ///   never interpolated into `sql`.
    /// - Returns: A statement owned by this connection.
    /// - Throws: `storage.prepare` with SQLite's message (which may quote the SQL text, never a bound value).
    public func prepare(_ sql: String) throws(StorageError) -> SQLiteStatement {
        try compile(sql, retainingConnection: true)
    }

    /// Compiles `sql`; a statement the connection keeps itself must not retain it.
    private func compile(_ sql: String, retainingConnection: Bool) throws(StorageError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            var error = SQLiteResult.error(sqlite3_extended_errcode(handle), operation: "prepare", fallback: .prepare)
            if rc == SQLITE_OK { error = StorageError(code: .prepare, detail: "prepare: empty statement") }
            if error.code == .prepare, let message = sqlite3_errmsg(handle) {
                error.detail = "prepare: \(String(cString: message))"
            }
            throw error
        }
        return SQLiteStatement(handle: statement, database: retainingConnection ? self : nil)
    }

    /// Runs `body` with this connection's compiled statement for `sql`, compiling it on first use only; the
    /// statement is reset and its bindings cleared when `body` returns, so every use starts afresh.
    /// - Parameters:
    ///   - sql: One statement, as for ``prepare(_:)``.
    ///   - body: Binds, steps and reads the statement; it must not keep the statement, nor run the same `sql`
    ///     again while it reads (the two would share one statement).
    /// - Returns: What `body` returns.
    /// - Throws: `storage.prepare` as ``prepare(_:)`` does, or `body`'s error.
    public func withCachedStatement<T>(
        _ sql: String,
        _ body: (SQLiteStatement) throws(StorageError) -> T
    ) throws(StorageError) -> T {
        let statement: SQLiteStatement
        if let cached = cachedStatements[sql] {
            statement = cached
        } else {
            let compiled = try compile(sql, retainingConnection: false)
            // Whichever the dictionary lists first: a connection's working set is a few dozen fixed texts, so an
            // eviction only happens once text built per call (an `IN` list) has filled the cache.
            if cachedStatements.count >= Self.statementCacheLimit {
                cachedStatements.remove(at: cachedStatements.startIndex)
            }
            cachedStatements[sql] = compiled
            statement = compiled
        }
        // A statement left mid-result would hold its read snapshot (and block WAL checkpoints) while idle.
        defer {
            statement.reset()
            statement.clearBindings()
        }
        return try body(statement)
    }

    /// Runs `sql` with `bindings` (by position, from 1) and returns every row. The statement is compiled on the
    /// connection's first use of `sql` and kept (``withCachedStatement(_:_:)``): compiling costs more than most
    /// point reads and writes it runs.
    /// - Returns: Rows as arrays of values in column order.
    public func query(_ sql: String, _ bindings: [SQLiteValue] = []) throws(StorageError) -> [[SQLiteValue]] {
        try withCachedStatement(sql) { statement throws(StorageError) in
            for (offset, value) in bindings.enumerated() { try statement.bind(value, at: Int32(offset + 1)) }
            var rows: [[SQLiteValue]] = []
            while try statement.step() {
                rows.append((0..<statement.columnCount).map { statement.value(at: $0) })
            }
            return rows
        }
    }

    /// Runs `body` in a transaction: committed when `body` returns, rolled back when it throws.
    /// - Parameters:
    ///   - kind: `BEGIN DEFERRED`, `IMMEDIATE` (takes the write lock now) or `EXCLUSIVE`.
    ///   - body: The work; it receives this connection.
    /// - Returns: What `body` returns.
    public func transaction<T>(
        _ kind: SQLiteTransactionKind = .immediate,
        _ body: (SQLiteDatabase) throws(StorageError) -> T
    ) throws(StorageError) -> T {
        do { try control("BEGIN \(kind.rawValue)") } catch { throw error.withCode(.transaction, unless: .busy) }
        let result: T
        do {
            result = try body(self)
        } catch {
            try? control("ROLLBACK")
            throw error
        }
        do {
            try control("COMMIT")
        } catch {
            try? control("ROLLBACK")
            throw error.withCode(.transaction, unless: .busy)
        }
        return result
    }

    /// Runs a transaction control statement, compiled once per connection like ``query(_:_:)``.
    private func control(_ sql: String) throws(StorageError) {
        try withCachedStatement(sql) { statement throws(StorageError) in _ = try statement.step() }
    }

    /// The rowid of the most recent successful insert on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// The number of rows changed by the most recent insert, update or delete.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// Whether the connection is outside any transaction (autocommit mode).
    public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }
}

/// How a transaction takes its locks.
public enum SQLiteTransactionKind: String, Sendable {
    /// Locks are taken on first read or write.
    case deferred = "DEFERRED"
    /// The write lock is taken at `BEGIN`.
    case immediate = "IMMEDIATE"
    /// An exclusive lock is taken at `BEGIN`.
    case exclusive = "EXCLUSIVE"
}

extension StorageError {
    /// The same error with another code, unless its code is `kept`.
    func withCode(_ code: Code, unless kept: Code? = nil) -> StorageError {
        if let kept, self.code == kept { return self }
        var copy = self
        copy.code = code
        return copy
    }
}
