import Foundation  // base64 for blob columns
public import LienthongJSON
import LienthongStorage

/// A connector to a registry kept in an SQLite database, read through a bounded pool of read-only connections.
///
/// ```swift
/// let connector = SQLiteConnector(
///     registry: "population",
///     configuration: .init(path: "population.sqlite",
///                          lookup: "SELECT * FROM cong_dan WHERE so_dinh_danh = ?1"),
///     dataDirectory: "/var/lib/lienthong/demo")
/// let row = try await connector.lookup(key: "001090012345")   // columns by native name
/// ```
public struct SQLiteConnector: RegistryConnector {
    /// The registry this connector serves.
    public let registry: String
    /// The configuration, with `path` as given.
    public let configuration: SQLiteConnectorConfiguration
    /// The database file actually opened.
    public let resolvedPath: String
    let pool: SQLiteConnectionPool

    /// Creates a connector; no connection is opened until the first lookup or health check.
    /// - Parameters:
    ///   - registry: The registry name, used in errors.
    ///   - configuration: Path, lookup query and pool size.
    ///   - dataDirectory: The directory a relative `path` is resolved against.
    public init(registry: String, configuration: SQLiteConnectorConfiguration, dataDirectory: String? = nil) {
        self.registry = registry
        self.configuration = configuration
        if let dataDirectory, !configuration.path.hasPrefix("/"), configuration.path != ":memory:" {
            resolvedPath = (dataDirectory as NSString).appendingPathComponent(configuration.path)
        } else {
            resolvedPath = configuration.path
        }
        pool = SQLiteConnectionPool(
            configuration: .init(
                path: resolvedPath,
                mode: .readOnly,
                size: configuration.poolSize,
                busyTimeoutMilliseconds: Int32(clamping: configuration.busyTimeoutMs),
                mmapBytes: Self.mappedBytes
            )
        )
    }

    /// The part of the registry file a connection maps: a lookup's read transaction then checks the file's change
    /// counter (and reads the pages it needs) in memory, one `pread` less per lookup. Pages are the kernel's page
    /// cache either way; only those a lookup touches count towards the node's resident memory. Committed changes
    /// are seen as before (SQLite checks the counter and the file's size at each read transaction).
    static let mappedBytes: Int64 = 64 << 20

    /// `true`: a read runs on the caller's thread while it holds a pooled connection (a few microseconds).
    public var runsInline: Bool { true }

    /// Runs the lookup query with `key` bound as `?1`.
    /// - Returns: The row as an object (column name to value), or `nil` when no row matches.
    /// - Throws: `registry-unavailable` on a storage error, `upstream-contract-violation` when two rows match.
    public func lookup(key: String) async throws(ConnectorError) -> NativeRecord? {
        let sql = configuration.lookup
        let rows: [NativeRecord]
        do {
            rows = try await pool.withConnection { db throws(StorageError) in
                try db.withCachedStatement(sql) { statement throws(StorageError) in
                    try statement.bind(.text(key), at: 1)
                    var rows: [NativeRecord] = []
                    // Two rows are enough to know the key is not unique.
                    while rows.count < 2, try statement.step() { rows.append(Self.record(of: statement)) }
                    return rows
                }
            }
        } catch {
            throw connectorError(error)
        }
        guard rows.count <= 1 else {
            throw ConnectorError(
                code: .upstreamContractViolation, registry: registry, detail: "the key matched more than one row")
        }
        return rows.first
    }

    /// Runs the configured search query of `field` with `value` as `?1` and `limit` as `?2`.
    /// - Throws: `connector-unsupported` when no search query is configured for `field`.
    public func search(field: String, value: String, limit: Int) async throws(ConnectorError) -> [NativeRecord] {
        guard let sql = configuration.search[field] else {
            throw ConnectorError(code: .unsupported, registry: registry, detail: "no search on field '\(field)'")
        }
        do {
            return try await pool.withConnection { db throws(StorageError) in
                try db.withCachedStatement(sql) { statement throws(StorageError) in
                    try statement.bind(.text(value), at: 1)
                    if statement.parameterCount >= 2 { try statement.bind(.integer(Int64(limit)), at: 2) }
                    var rows: [NativeRecord] = []
                    while rows.count < limit, try statement.step() { rows.append(Self.record(of: statement)) }
                    return rows
                }
            }
        } catch {
            throw connectorError(error)
        }
    }

    /// Runs the configured search query named `query.name`, binding each named parameter `:<name>` to the
    /// search parameter of that name and `:limit` to the row limit.
    ///
    /// ```json
    /// "search": { "fullNameAndDateOfBirth":
    ///   "SELECT * FROM cong_dan WHERE ngay_sinh = substr(:dateOfBirth, 9, 2) || '/' || substr(:dateOfBirth, 6, 2)
    ///    || '/' || substr(:dateOfBirth, 1, 4) ORDER BY so_dinh_danh LIMIT :limit" }
    /// ```
    /// - Throws: `connector-unsupported` when no query has that name, `connector-configuration` when the query
    ///   names a parameter the search lacks, else as ``lookup(key:)``.
    public func search(_ query: NativeSearch) async throws(ConnectorError) -> [NativeRecord] {
        guard let sql = configuration.search[query.name] else {
            throw ConnectorError(code: .unsupported, registry: registry, detail: "no search '\(query.name)'")
        }
        let registry = self.registry
        do {
            return try await pool.withConnection { db throws(StorageError) in
                try db.withCachedStatement(sql) { statement throws(StorageError) in
                    var values = query.parameters.mapValues { SQLiteValue.text($0) }
                    values["limit"] = .integer(Int64(query.limit))
                    // Named parameters share one index however often they occur, so all are bound when the count of
                    // those bound reaches the statement's.
                    var bound = 0
                    for (name, value) in values {
                        do throws(StorageError) {
                            try statement.bind(value, named: ":" + name)
                            bound += 1
                        } catch {
                            guard error.code == .bind else { throw error }
                        }
                    }
                    guard bound == statement.parameterCount else {
                        throw StorageError(
                            code: .bind, detail: "search '\(query.name)' of \(registry) uses other parameters")
                    }
                    var rows: [NativeRecord] = []
                    while rows.count < query.limit, try statement.step() { rows.append(Self.record(of: statement)) }
                    return rows
                }
            }
        } catch {
            throw connectorError(error)
        }
    }

    /// Opens a connection and compiles the lookup query.
    public func health() async -> ConnectorHealth {
        let sql = configuration.lookup
        do {
            try await pool.withConnection { db throws(StorageError) in _ = try db.prepare(sql) }
            return .up
        } catch {
            return ConnectorHealth(status: .down, detail: error.code.wireCode)
        }
    }

    /// Closes the pool's connections.
    public func close() async { pool.close() }

    func connectorError(_ error: StorageError) -> ConnectorError {
        let code: ConnectorError.Code =
            switch error.code {
            case .poolClosed: .closed
            case .busy: .timeout
            case .prepare, .bind: .configuration
            default: .unavailable
            }
        return ConnectorError(code: code, registry: registry, detail: error.detail, cause: error.code.wireCode)
    }

    static func record(of statement: SQLiteStatement) -> NativeRecord {
        let columns = statement.columnCount
        var object = JSONObject([JSONKey: JSONValue](minimumCapacity: Int(columns)))
        for index in 0..<columns {
            object[statement.columnName(at: index)] =
                switch statement.value(at: index) {
                case .integer(let value): .number(JSONNumber(Int(value)))
                case .real(let value): .number(JSONNumber(value))
                case .text(let value): .string(value)
                case .blob(let bytes): .string(Data(bytes).base64EncodedString())
                case .null: .null
                }
        }
        return .object(object)
    }
}
