import CPostgres
import Foundation

/// One connection to a PostgreSQL server through libpq.
///
/// Every call blocks the calling thread until the server answers, so call it from a thread of
/// your own or a `DispatchQueue`, not from Swift's cooperative pool: ``PostgresConnectionPool``
/// does that for you. Parameters are always sent separately from the statement, in text
/// format (`$1`, `$2`, ...), never spliced into the SQL.
///
/// ```swift
/// let connection = try PostgresConnection("postgresql://postgres@127.0.0.1:5432/lienthong")
/// let result = try connection.query("SELECT ten_doanh_nghiep FROM doanh_nghiep WHERE ma_so_doanh_nghiep = $1",
///                                   ["0101234567"])
/// ```
///
/// `@unchecked Sendable`: the `PGconn` is used by one thread at a time because every member
/// that touches it holds `lock`; libpq itself is built thread-safe on Debian.
public final class PostgresConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    private let lock = NSLock()
    /// Statements prepared by ``query(_:_:prepared:)``, by SQL text; lost when the session is reset.
    private var preparedNames: [String: String] = [:]

    /// `host:port/database` of the server, for logs and errors (no user or password).
    public let endpoint: String

    /// Opens a connection (`PQconnectdbParams`, blocking until connected or failed).
    ///
    /// - Parameters:
    ///   - conninfo: A libpq connection string, `key=value ...` or a
    ///     `postgresql://user@host:port/database?...` URI.
    ///   - connectTimeout: How long to wait for the server to accept the connection (libpq
    ///     `connect_timeout`, whole seconds, at least 2); overrides one given in `conninfo`.
    ///   - parameters: More libpq keywords (`application_name`, `options`), overriding those of `conninfo`.
    /// - Throws: ``PostgresError/Code/connect`` when the string is malformed or the server cannot
    ///   be reached or refuses the session.
    public init(
        _ conninfo: String, connectTimeout: Duration = .seconds(10), parameters: [String: String] = [:]
    ) throws(PostgresError) {
        // Parsing first keeps libpq's parse messages, which can quote parts of the string (a
        // password among them), out of our errors.
        var parseMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &parseMessage) else {
            PQfreemem(parseMessage)
            throw PostgresError(.connect, "the connection string is malformed")
        }
        PQconninfoFree(options)

        let seconds = max(2, Int((connectTimeout + .milliseconds(999)).components.seconds))
        // Later keywords win over those expanded from `dbname`: the timeout and the encoding
        // (results are decoded as UTF-8) are ours to set.
        let extra = parameters.sorted { $0.key < $1.key }
        let keywords = ["dbname", "fallback_application_name", "connect_timeout", "client_encoding"] + extra.map(\.key)
        let values = [conninfo, "lienthong", String(seconds), "UTF8"] + extra.map(\.value)
        let connection = withCStringArray(keywords) { keywords in
            withCStringArray(values) { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let connection else {
            throw PostgresError(.connect, "libpq could not allocate a connection")
        }
        let endpoint = Self.endpoint(of: connection)
        guard PQstatus(connection) == CONNECTION_OK else {
            let reason = Self.firstLine(PQerrorMessage(connection))
            PQfinish(connection)
            throw PostgresError(.connect, "cannot connect to \(endpoint): \(reason)")
        }
        // The default processor prints server notices to stderr; the gateway logs its own way.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        self.handle = connection
        self.endpoint = endpoint
    }

    deinit {
        PQfinish(handle)
    }

    /// Whether the connection was healthy when libpq last looked (`PQstatus`); see ``isAlive()``.
    public var isConnected: Bool {
        lock.lock()
        defer { lock.unlock() }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Reads whatever the server sent while the connection was idle, without blocking, and
    /// says whether the connection is still usable.
    ///
    /// A server that shut down or restarted has closed the socket; this notices it before a
    /// statement is sent, so a pool can replace the connection instead of failing a query.
    public func isAlive() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard PQstatus(handle) == CONNECTION_OK else { return false }
        // A session the server ended shows up as a readable socket: its goodbye (an error
        // message, which libpq hands to the notice processor) and then end of file, which libpq
        // only notices on a later read. A healthy idle socket has nothing to read.
        for _ in 0..<4 {
            var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 0) > 0 else { return true }
            guard PQconsumeInput(handle) == 1, PQstatus(handle) == CONNECTION_OK else { return false }
        }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// The server's version as an integer, e.g. `150020` for 15.20 (`PQserverVersion`).
    public var serverVersion: Int {
        lock.lock()
        defer { lock.unlock() }
        return Int(PQserverVersion(handle))
    }

    /// Re-opens the session on the same server with the same parameters (`PQreset`).
    ///
    /// Use after ``PostgresError/Code/connectionLost``. Statements prepared on the old session
    /// are gone; ``query(_:_:prepared:)`` prepares them again when next used.
    /// - Throws: ``PostgresError/Code/connect`` when the server still cannot be reached.
    public func reset() throws(PostgresError) {
        lock.lock()
        defer { lock.unlock() }
        preparedNames.removeAll()
        PQreset(handle)
        guard PQstatus(handle) == CONNECTION_OK else {
            throw PostgresError(.connect, "cannot reconnect to \(endpoint): \(Self.firstLine(PQerrorMessage(handle)))")
        }
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
    }

    /// Runs one statement with parameters bound as text (`PQexecParams`).
    ///
    /// - Parameters:
    ///   - sql: One SQL statement using `$1`, `$2`, ... for parameters.
    ///   - parameters: The parameter values in order, `nil` for SQL `NULL`; the server infers
    ///     their types from the statement (cast with `$1::int` where it cannot).
    ///   - prepared: Whether to prepare the statement once on this connection and run the
    ///     prepared statement (for a statement run many times).
    /// - Returns: The rows, or an empty result with ``PostgresResult/affectedRows``.
    /// - Throws: ``PostgresError/Code/query`` when the server rejects the statement,
    ///   ``PostgresError/Code/connectionLost`` when the connection broke,
    ///   ``PostgresError/Code/invalidParameter`` for a value containing a NUL byte.
    @discardableResult
    public func query(_ sql: String, _ parameters: [String?] = [], prepared: Bool = false)
        throws(PostgresError) -> PostgresResult
    {
        lock.lock()
        defer { lock.unlock() }
        guard prepared else {
            return try Self.withParameters(parameters) { values throws(PostgresError) in
                let result = PQexecParams(handle, sql, Int32(parameters.count), nil, values, nil, nil, 0)
                return try consume(result, operation: "query")
            }
        }
        let name: String
        if let known = preparedNames[sql] {
            name = known
        } else {
            name = "lienthong_\(preparedNames.count + 1)"
            try consume(PQprepare(handle, name, sql, Int32(parameters.count), nil), operation: "prepare")
            preparedNames[sql] = name
        }
        return try executePreparedLocked(name, parameters)
    }

    /// Prepares a named statement on this connection (`PQprepare`).
    ///
    /// The name lives as long as the session: after ``reset()`` prepare it again.
    /// - Parameters:
    ///   - name: The statement name; must not start with `lienthong_` (used by ``query(_:_:prepared:)``).
    ///   - sql: One SQL statement with `$n` parameters.
    ///   - parameterCount: How many parameters the statement takes.
    /// - Throws: ``PostgresError/Code/query`` (e.g. SQLSTATE `42P05` for a name in use) or
    ///   ``PostgresError/Code/connectionLost``.
    public func prepare(_ name: String, _ sql: String, parameterCount: Int) throws(PostgresError) {
        lock.lock()
        defer { lock.unlock() }
        try consume(PQprepare(handle, name, sql, Int32(parameterCount), nil), operation: "prepare")
    }

    /// Runs a statement prepared with ``prepare(_:_:parameterCount:)`` (`PQexecPrepared`).
    /// - Parameters:
    ///   - name: The prepared statement's name.
    ///   - parameters: The parameter values in order, `nil` for SQL `NULL`.
    /// - Returns: The rows, or an empty result with ``PostgresResult/affectedRows``.
    /// - Throws: As ``query(_:_:prepared:)``; SQLSTATE `26000` when no statement has that name.
    @discardableResult
    public func execute(prepared name: String, _ parameters: [String?] = []) throws(PostgresError) -> PostgresResult {
        lock.lock()
        defer { lock.unlock() }
        return try executePreparedLocked(name, parameters)
    }

    /// Runs SQL without parameters (`PQexec`); it may hold several statements separated by `;`.
    ///
    /// Only for fixed SQL (schema, transactions): values go through ``query(_:_:prepared:)``.
    /// - Parameter sql: The statements.
    /// - Returns: The result of the last statement.
    /// - Throws: ``PostgresError/Code/query`` or ``PostgresError/Code/connectionLost``.
    @discardableResult
    public func execute(_ sql: String) throws(PostgresError) -> PostgresResult {
        lock.lock()
        defer { lock.unlock() }
        return try consume(PQexec(handle, sql), operation: "execute")
    }

    // MARK: - Private (callers hold `lock`)

    private func executePreparedLocked(_ name: String, _ parameters: [String?]) throws(PostgresError)
        -> PostgresResult
    {
        try Self.withParameters(parameters) { values throws(PostgresError) in
            let result = PQexecPrepared(handle, name, Int32(parameters.count), values, nil, nil, 0)
            return try consume(result, operation: "execute prepared")
        }
    }

    /// Copies a result out and frees it, or turns a failed one into an error.
    @discardableResult
    private func consume(_ result: OpaquePointer?, operation: String) throws(PostgresError) -> PostgresResult {
        guard let result else {
            // libpq returns no result only when out of memory or without a connection.
            throw PQstatus(handle) == CONNECTION_OK
                ? PostgresError(.query, "\(operation): libpq returned no result")
                : PostgresError(.connectionLost, "\(operation): connection to \(endpoint) lost")
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return Self.copy(result)
        default:
            throw failure(result, operation: operation)
        }
    }

    private func failure(_ result: OpaquePointer, operation: String) -> PostgresError {
        Self.failure(result, connection: handle, endpoint: endpoint, operation: operation)
    }

    /// The error for failed `result` of `connection`: lost connection, or a statement the server refused.
    static func failure(
        _ result: OpaquePointer, connection handle: OpaquePointer, endpoint: String, operation: String
    ) -> PostgresError {
        let sqlState = Self.errorField(result, "C")
        // Class 08 is connection exceptions; 57P01-57P03 are the server shutting down or starting.
        let lost =
            PQstatus(handle) != CONNECTION_OK || sqlState?.hasPrefix("08") == true
            || ["57P01", "57P02", "57P03"].contains(sqlState ?? "")
        if lost {
            return PostgresError(.connectionLost, "\(operation): connection to \(endpoint) lost", sqlState: sqlState)
        }
        // Schema names only: the server's message text may quote a parameter value.
        let names = [("schema", "s"), ("table", "t"), ("column", "c"), ("constraint", "n")]
            .compactMap { label, field in Self.errorField(result, field).map { "\(label) \($0)" } }
        let context = names.isEmpty ? "" : ", " + names.joined(separator: ", ")
        return PostgresError(
            .query,
            "\(operation) failed (SQLSTATE \(sqlState ?? "unknown")\(context))",
            sqlState: sqlState
        )
    }

    /// Calls `body` with the parameters as C strings (NULL for `nil`) that live for the call.
    static func withParameters<T>(
        _ parameters: [String?],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?) throws(PostgresError) -> T
    ) throws(PostgresError) -> T {
        for (index, parameter) in parameters.enumerated() where parameter?.utf8.contains(0) == true {
            throw PostgresError(.invalidParameter, "parameter $\(index + 1) contains a NUL byte")
        }
        let copies: [UnsafeMutablePointer<CChar>?] = parameters.map { $0.map { strdup($0) } }
        defer {
            for copy in copies { free(copy) }
        }
        let values = copies.map { UnsafePointer($0) }
        return try values.withUnsafeBufferPointer { buffer throws(PostgresError) in try body(buffer.baseAddress) }
    }

    static func copy(_ result: OpaquePointer) -> PostgresResult {
        let columnCount = PQnfields(result)
        let rowCount = PQntuples(result)
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        let types = (0..<columnCount).map { UInt32(PQftype(result, $0)) }
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(rowCount))
        for row in 0..<rowCount {
            rows.append(
                (0..<columnCount).map { column -> String? in
                    guard PQgetisnull(result, row, column) == 0, let value = PQgetvalue(result, row, column) else {
                        return nil
                    }
                    let bytes = UnsafeRawBufferPointer(start: value, count: Int(PQgetlength(result, row, column)))
                    return String(decoding: bytes, as: UTF8.self)
                }
            )
        }
        let affected = Int(String(cString: PQcmdTuples(result)))
        return PostgresResult(columns: columns, columnTypes: types, rows: rows, affectedRows: affected)
    }

    private static func errorField(_ result: OpaquePointer, _ code: Unicode.Scalar) -> String? {
        PQresultErrorField(result, Int32(code.value)).map { String(cString: $0) }
    }

    static func endpoint(of connection: OpaquePointer) -> String {
        let host = PQhost(connection).map { String(cString: $0) } ?? "?"
        let port = PQport(connection).map { String(cString: $0) } ?? "?"
        let database = PQdb(connection).map { String(cString: $0) } ?? "?"
        return "\(host):\(port)/\(database)"
    }

    static func firstLine(_ message: UnsafeMutablePointer<CChar>?) -> String {
        guard let message else { return "unknown error" }
        let line = String(cString: message).split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.isEmpty ? "unknown error" : line
    }
}

/// Calls `body` with the strings as a NULL-terminated array of C strings that live for the call.
func withCStringArray<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
    let copies = strings.map { strdup($0) } + [nil]
    defer {
        for copy in copies { free(copy) }
    }
    let pointers = copies.map { UnsafePointer($0) }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
