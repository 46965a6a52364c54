public import LienthongJSON
public import LienthongHTTP

/// A registry as the gateway sees it: a connector and the mapping of its native records to canonical ones.
public struct MappedRegistry: Sendable {
    /// The registry name.
    public let name: String
    /// The canonical schema id.
    public let schema: String
    /// The back end.
    public let connector: any RegistryConnector
    /// Native to canonical.
    public let mapping: RecordMapping

    /// Creates a mapped registry.
    public init(name: String, schema: String, connector: any RegistryConnector, mapping: RecordMapping) {
        self.name = name
        self.schema = schema
        self.connector = connector
        self.mapping = mapping
    }

    /// Builds the connector of `configuration`.
    public init(
        configuration: RegistryConfiguration, dataDirectory: String, httpClient: HTTPClient,
        variables: [String: String] = [:]
    ) throws(ConnectorError) {
        self.init(
            name: configuration.registry,
            schema: configuration.schema,
            connector: try configuration.makeConnector(
                dataDirectory: dataDirectory, httpClient: httpClient, variables: variables
            ),
            mapping: configuration.mapping
        )
    }

    /// The canonical record with this key, or `nil` when the registry has none.
    /// - Throws: the connector's error, or `upstream-contract-violation` when the native record does not map.
    public func record(key: String) async throws(ConnectorError) -> JSONValue? {
        guard let native = try await connector.lookup(key: key) else { return nil }
        do {
            return try mapping.map(native)
        } catch {
            throw ConnectorError(error)
        }
    }

    /// Canonical records whose native `field` equals `value`, at most `limit`.
    /// - Throws: `connector-unsupported` when the connector cannot search that field, the connector's error, or
    ///   `upstream-contract-violation` when a record does not map.
    public func search(field: String, value: String, limit: Int) async throws(ConnectorError) -> [JSONValue] {
        let natives: [NativeRecord]
        do {
            natives = try await connector.search(field: field, value: value, limit: limit)
        } catch {
            var error = error
            if error.registry.isEmpty { error.registry = name }
            throw error
        }
        var records: [JSONValue] = []
        for native in natives {
            do {
                records.append(try mapping.map(native))
            } catch {
                throw ConnectorError(error)
            }
        }
        return records
    }
}
