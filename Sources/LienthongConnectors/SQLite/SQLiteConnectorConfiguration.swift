/// Configuration of a ``SQLiteConnector``: `{ "kind": "sqlite", "path": ..., "lookup": ..., "poolSize": 4 }`.
///
/// Optional `"search": { "<field>": "SELECT ... WHERE <column> = ?1 LIMIT ?2" }` enables
/// ``SQLiteConnector/search(field:value:limit:)`` on the named fields.
public struct SQLiteConnectorConfiguration: Sendable, Equatable, Decodable {
    /// The database file; a relative path is resolved against the gateway's data directory.
    public var path: String
    /// The lookup query; the key is bound as parameter `?1` (never interpolated).
    public var lookup: String
    /// The most connections open at once.
    public var poolSize: Int
    /// How long a query waits for a lock, in milliseconds.
    public var busyTimeoutMs: Int
    /// Search queries by field name: the value is bound as `?1`, the limit as `?2` when the query has it.
    public var search: [String: String]

    /// Creates a configuration.
    public init(
        path: String,
        lookup: String,
        poolSize: Int = 4,
        busyTimeoutMs: Int = 2_000,
        search: [String: String] = [:]
    ) {
        self.search = search
        self.path = path
        self.lookup = lookup
        self.poolSize = poolSize
        self.busyTimeoutMs = busyTimeoutMs
    }

    private enum CodingKeys: String, CodingKey { case path, lookup, poolSize, busyTimeoutMs, search }

    /// Decodes the configuration; `poolSize` defaults to 4, `busyTimeoutMs` to 2000, `search` to none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            path: try container.decode(String.self, forKey: .path),
            lookup: try container.decode(String.self, forKey: .lookup),
            poolSize: try container.decodeIfPresent(Int.self, forKey: .poolSize) ?? 4,
            busyTimeoutMs: try container.decodeIfPresent(Int.self, forKey: .busyTimeoutMs) ?? 2_000,
            search: try container.decodeIfPresent([String: String].self, forKey: .search) ?? [:]
        )
    }
}
