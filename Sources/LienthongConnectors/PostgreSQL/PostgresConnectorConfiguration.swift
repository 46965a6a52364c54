import Foundation  // environment
import LienthongStorage

/// Configuration of a ``PostgresConnector``.
///
/// ```json
/// { "kind": "postgres", "url": "{LIENTHONG_POSTGRES_URL}",
///   "lookup": "SELECT * FROM doanh_nghiep WHERE ma_so_doanh_nghiep = $1", "poolSize": 4,
///   "search": { "namePrefix": { "sql": "SELECT * FROM doanh_nghiep ORDER BY ma_so_doanh_nghiep LIMIT $1",
///                               "parameters": ["limit"] } } }
/// ```
/// `conninfo` (a libpq `key=value` string) or `url` (a `postgresql://` URI) says where the database is; either
/// may hold `{NAME}` placeholders, filled from the gateway's variables and then from the environment, so no
/// password needs to sit in the file. The key is bound as `$1` of `lookup`.
public struct PostgresConnectorConfiguration: Sendable, Equatable, Decodable {
    /// A search query with its `$n` parameters named in order (`limit` is the row limit).
    public struct Search: Sendable, Equatable, Decodable {
        /// The SQL, with `$1`, `$2`, ... bound to `parameters` in order.
        public var sql: String
        /// The search parameter (or `limit`) of each `$n`.
        public var parameters: [String]

        /// Creates a search query.
        public init(sql: String, parameters: [String]) {
            self.sql = sql
            self.parameters = parameters
        }
    }

    /// The libpq connection string or URI, possibly with `{NAME}` placeholders.
    public var conninfo: String
    /// The lookup query; the key is bound as `$1` (never interpolated).
    public var lookup: String
    /// The most connections open at once.
    public var poolSize: Int
    /// How long opening a connection may take, in milliseconds (libpq rounds up to whole seconds, at least 2).
    public var connectTimeoutMs: Int
    /// How long a lookup waits for a free connection, in milliseconds.
    public var checkoutTimeoutMs: Int
    /// Search queries by search name.
    public var search: [String: Search]

    /// Creates a configuration.
    public init(
        conninfo: String, lookup: String, poolSize: Int = 4, connectTimeoutMs: Int = 2_000, checkoutTimeoutMs: Int = 2_000,
        search: [String: Search] = [:]
    ) {
        self.conninfo = conninfo
        self.lookup = lookup
        self.poolSize = poolSize
        self.connectTimeoutMs = connectTimeoutMs
        self.checkoutTimeoutMs = checkoutTimeoutMs
        self.search = search
    }

    private enum CodingKeys: String, CodingKey { case conninfo, url, lookup, poolSize, connectTimeoutMs, checkoutTimeoutMs, search }

    /// Decodes the configuration: one of `conninfo` or `url`; `poolSize` defaults to 4, the timeouts to 2000 ms.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let conninfo = try container.decodeIfPresent(String.self, forKey: .conninfo)
        let url = try container.decodeIfPresent(String.self, forKey: .url)
        guard let target = conninfo ?? url, (conninfo == nil) != (url == nil) else {
            throw DecodingError.dataCorruptedError(forKey: .conninfo, in: container, debugDescription: "one of conninfo or url")
        }
        let poolSize = try container.decodeIfPresent(Int.self, forKey: .poolSize) ?? 4
        guard poolSize >= 1 else {
            throw DecodingError.dataCorruptedError(forKey: .poolSize, in: container, debugDescription: "at least 1")
        }
        self.init(
            conninfo: target,
            lookup: try container.decode(String.self, forKey: .lookup),
            poolSize: poolSize,
            connectTimeoutMs: try container.decodeIfPresent(Int.self, forKey: .connectTimeoutMs) ?? 2_000,
            checkoutTimeoutMs: try container.decodeIfPresent(Int.self, forKey: .checkoutTimeoutMs) ?? 2_000,
            search: try container.decodeIfPresent([String: Search].self, forKey: .search) ?? [:]
        )
    }

    /// `conninfo` with each `{NAME}` replaced by `variables[NAME]` or the environment variable `NAME`; `nil` when a
    /// placeholder has no value.
    public func resolvedConninfo(variables: [String: String] = [:]) -> String? {
        PostgresConninfo.resolve(conninfo, variables: variables)
    }
}
