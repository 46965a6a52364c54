/// Configuration of a ``CSVConnector``: `{ "kind": "csv", "path": "registry.csv", "keyColumn": "ma_so" }`.
public struct CSVConnectorConfiguration: Sendable, Equatable, Decodable {
    /// The CSV file (header row first); a relative path is resolved against the gateway's data directory.
    public var path: String
    /// The column whose value is the lookup key.
    public var keyColumn: String

    /// Creates a configuration.
    public init(path: String, keyColumn: String) {
        self.path = path
        self.keyColumn = keyColumn
    }
}
