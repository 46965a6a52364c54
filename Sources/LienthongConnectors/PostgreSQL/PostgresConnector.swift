import LienthongHTTP
public import LienthongJSON
import LienthongStorage

/// A connector to a registry kept in PostgreSQL, read through a bounded pool of libpq connections.
///
/// A lookup runs on the calling task's event loop through libpq's nonblocking API (see ``PostgresConnectionPool``):
/// while it waits for the server, the loop serves other requests.
///
/// Rows come back as JSON objects by native column name: integer and floating columns as numbers, `boolean` as
/// `true`/`false`, `json`/`jsonb` parsed, everything else (text, dates, numeric) as the server's text, `NULL`
/// as `null`. When the server goes away, lookups fail with `upstream-unavailable` and the pool drops the broken
/// connections; once it is back, the next lookups open new ones, with no restart.
///
/// ```swift
/// let connector = try PostgresConnector(
///     registry: "enterprise",
///     configuration: .init(conninfo: "postgresql://postgres@127.0.0.1:5432/lienthong",
///                          lookup: "SELECT * FROM doanh_nghiep WHERE ma_so_doanh_nghiep = $1"))
/// let row = try await connector.lookup(key: "0101234567")
/// ```
public struct PostgresConnector: RegistryConnector {
    /// The registry this connector serves.
    public let registry: String
    /// The configuration, with `conninfo` as given.
    public let configuration: PostgresConnectorConfiguration
    let pool: PostgresConnectionPool

    /// Creates a connector; no connection opens until the first lookup or health check.
    /// - Parameters:
    ///   - registry: The registry name, used in errors.
    ///   - configuration: Where the database is, the lookup query and the pool size.
    ///   - variables: Values for `{NAME}` placeholders of the connection string (else the environment).
    /// - Throws: `connector-configuration` when a placeholder has no value.
    public init(registry: String, configuration: PostgresConnectorConfiguration, variables: [String: String] = [:])
        throws(ConnectorError)
    {
        guard let conninfo = configuration.resolvedConninfo(variables: variables) else {
            throw ConnectorError(
                code: .configuration, registry: registry, detail: "the connection string has a placeholder without a value")
        }
        self.registry = registry
        self.configuration = configuration
        // Lookups run on the caller's event loop (the auxiliary loop off the loops), never blocking a thread.
        EventLoopSockets.install()
        self.pool = PostgresConnectionPool(
            .init(
                conninfo: conninfo, maximumConnections: max(1, configuration.poolSize),
                connectTimeout: .milliseconds(configuration.connectTimeoutMs),
                checkoutTimeout: .milliseconds(configuration.checkoutTimeoutMs), onEventLoops: true))
    }

    /// Runs the read-only `sql`, once more on a new connection if the one it got was lost: a session the server
    /// ended while idle can look alive for a moment (its end of file not read yet), and a lookup is safe to repeat.
    private func read(_ sql: String, _ parameters: [String?]) async throws(PostgresError) -> PostgresResult {
        do {
            return try await pool.query(sql, parameters, prepared: true)
        } catch {
            guard error.code == .connectionLost else { throw error }
            return try await pool.query(sql, parameters, prepared: true)
        }
    }

    /// Runs the lookup query with `key` as `$1`.
    /// - Returns: The row as an object, or `nil` when no row matches.
    /// - Throws: `upstream-unavailable` when the server cannot be reached or the connection broke,
    ///   `upstream-timeout` when no connection freed up in time, `upstream-contract-violation` when two rows match,
    ///   `connector-configuration` when the server rejects the query.
    public func lookup(key: String) async throws(ConnectorError) -> NativeRecord? {
        let result: PostgresResult
        do {
            result = try await read(configuration.lookup, [key])
        } catch {
            throw connectorError(error)
        }
        guard result.count <= 1 else {
            throw ConnectorError(code: .upstreamContractViolation, registry: registry, detail: "the key matched more than one row")
        }
        // Not a ternary: `nil` there would become JSON `null` (JSONValue is nil-literal expressible), not "no row".
        guard let row = Self.records(of: result).first else { return nil }
        return row
    }

    /// Runs the search query named `query.name`, its `$n` bound to the named parameters (`limit`: the row limit).
    /// - Throws: `connector-unsupported` when no query has that name, `connector-configuration` when it names a
    ///   parameter the search lacks; otherwise as ``lookup(key:)``.
    public func search(_ query: NativeSearch) async throws(ConnectorError) -> [NativeRecord] {
        guard let search = configuration.search[query.name] else {
            throw ConnectorError(code: .unsupported, registry: registry, detail: "no search '\(query.name)'")
        }
        var values: [String?] = []
        for name in search.parameters {
            if name == "limit" {
                values.append(String(query.limit))
            } else if let value = query.parameters[name] {
                values.append(value)
            } else {
                throw ConnectorError(
                    code: .configuration, registry: registry, detail: "search '\(query.name)' has no parameter \(name)")
            }
        }
        do {
            let result = try await read(search.sql, values)
            return Array(Self.records(of: result).prefix(query.limit))
        } catch {
            throw connectorError(error)
        }
    }

    /// Up when a connection answers `SELECT 1`.
    public func health() async -> ConnectorHealth {
        do {
            _ = try await pool.query("SELECT 1")
            return .up
        } catch {
            return ConnectorHealth(status: .down, detail: error.code.wireCode)
        }
    }

    /// Closes the pool's connections.
    public func close() async { await pool.close() }

    func connectorError(_ error: PostgresError) -> ConnectorError {
        let code: ConnectorError.Code =
            switch error.code {
            case .connect, .connectionLost, .cancelled: .unavailable
            case .timeout: .timeout
            case .poolClosed: .closed
            case .invalidParameter: .configuration
            default: Self.code(sqlState: error.sqlState)
            }
        return ConnectorError(
            code: code, registry: registry, detail: error.detail, cause: error.sqlState.map { "postgres.\($0)" } ?? error.code.wireCode)
    }

    /// A statement the server rejected: the query is wrong (configuration) unless the server says it is the one
    /// in trouble (connection exceptions, resources, operator intervention, system and internal errors: classes
    /// 08, 53, 57, 58, XX), or cancelled it for taking too long (57014, e.g. `statement_timeout`).
    private static func code(sqlState: String?) -> ConnectorError.Code {
        guard let sqlState else { return .unavailable }
        if sqlState == "57014" { return .timeout }
        return ["08", "53", "57", "58", "XX"].contains(sqlState.prefix(2)) ? .unavailable : .configuration
    }

    /// The rows of `result` as objects by column name.
    static func records(of result: PostgresResult) -> [NativeRecord] {
        result.rows.map { row in
            var object: JSONObject = [:]
            for (index, name) in result.columns.enumerated() {
                object[name] = value(row[index], type: result.columnTypes[index])
            }
            return .object(object)
        }
    }

    /// Type OIDs from `pg_type.dat`: bool 16, int8 20, int2 21, int4 23, float4 700, float8 701, json 114, jsonb 3802.
    static func value(_ text: String?, type: UInt32) -> JSONValue {
        guard let text else { return .null }
        switch type {
        case 20, 21, 23:
            return Int(text).map { .number(JSONNumber($0)) } ?? .string(text)
        case 700, 701:
            return Double(text).map { $0.isFinite ? .number(JSONNumber($0)) : .string(text) } ?? .string(text)
        case 16:
            return .bool(text == "t")
        case 114, 3802:
            return (try? JSONValue.parse(Array(text.utf8))) ?? .string(text)
        default:
            return .string(text)
        }
    }
}
