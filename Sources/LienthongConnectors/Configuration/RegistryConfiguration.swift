import Foundation  // file reading, paths
public import LienthongJSON
public import LienthongHTTP

/// One registry's connector and mapping, as read from `config/<env>/registries/<name>.json`.
///
/// ```json
/// { "registry": "population", "schema": "person.v1",
///   "connector": { "kind": "sqlite", "path": "population.sqlite",
///                  "lookup": "SELECT * FROM cong_dan WHERE so_dinh_danh = ?1", "poolSize": 4 },
///   "codeLists": ["../codes/administrative-units.json"],
///   "mapping": [ { "target": "/personalId", "source": "so_dinh_danh" } ] }
/// ```
/// `codeLists` paths are relative to the configuration file; a relative connector `path` is relative to the
/// gateway's data directory.
///
/// Every connector is wrapped in a ``ResilientConnector``; its optional `connector.resilience` member
/// (``ResilienceConfiguration``) tunes the breaker and the retries:
/// `"resilience": { "failureThreshold": 5, "coolDownMs": 10000, "retries": 2, "backoffMs": 50 }`.
/// The optional top-level `search` list (``SearchDefinition``) names the searches of
/// ``MappedRegistry/search(criteria:page:)``.
public struct RegistryConfiguration: Sendable {
    /// The registry name (`population`, `enterprise`, `land`, `insurance`).
    public var registry: String
    /// The canonical schema id its records follow, e.g. `person.v1`.
    public var schema: String
    /// The back end.
    public var connector: ConnectorConfiguration
    /// Native to canonical.
    public var mapping: RecordMapping
    /// Breaker, retries and deadline of the connector (`connector.resilience`).
    public var resilience: ResilienceConfiguration
    /// The searches over canonical fields (top-level `search`).
    public var searches: [SearchDefinition]
    /// The change events the registry publishes (top-level `events`); `nil` for none.
    public var events: RegistryEvents?

    /// Creates a configuration from its parts.
    public init(
        registry: String, schema: String, connector: ConnectorConfiguration, mapping: RecordMapping,
        resilience: ResilienceConfiguration = ResilienceConfiguration(), searches: [SearchDefinition] = [],
        events: RegistryEvents? = nil
    ) {
        self.registry = registry
        self.schema = schema
        self.connector = connector
        self.mapping = mapping
        self.resilience = resilience
        self.searches = searches
        self.events = events
    }

    /// Reads a configuration document.
    /// - Parameters:
    ///   - document: The parsed file.
    ///   - baseDirectory: The directory relative `codeLists` paths are resolved against.
    /// - Throws: `connector-configuration`, naming the member (and the mapping error code as `cause`).
    public init(document: JSONValue, baseDirectory: String) throws(ConnectorError) {
        let registry = document["registry"]?.stringValue ?? "?"
        func invalid(_ detail: String, cause: String? = nil) -> ConnectorError {
            ConnectorError(code: .configuration, registry: registry, detail: detail, cause: cause)
        }
        guard document["registry"]?.stringValue != nil else { throw invalid("member 'registry' is missing") }
        guard let schema = document["schema"]?.stringValue else { throw invalid("member 'schema' is missing") }
        guard let connector = document["connector"], let kind = connector["kind"]?.stringValue else {
            throw invalid("member 'connector.kind' is missing")
        }
        let connectorConfiguration: ConnectorConfiguration
        let resilience: ResilienceConfiguration
        let searches: [SearchDefinition]
        do {
            resilience = try connector["resilience"].map { try JSONValueDecoder().decode(from: $0) } ?? ResilienceConfiguration()
            searches = try document["search"].map { try JSONValueDecoder().decode(from: $0) } ?? []
            switch kind {
            case "sqlite": connectorConfiguration = .sqlite(try JSONValueDecoder().decode(from: connector))
            case "rest": connectorConfiguration = .rest(try JSONValueDecoder().decode(from: connector))
            case "csv": connectorConfiguration = .csv(try JSONValueDecoder().decode(from: connector))
            case "postgres": connectorConfiguration = .postgres(try JSONValueDecoder().decode(from: connector))
            default: throw invalid("connector kind '\(kind)' is unknown")
            }
        } catch let error as ConnectorError {
            throw error
        } catch let error as JSONError {
            throw invalid("connector: \(error.description)", cause: error.code.wireCode)
        } catch {
            throw invalid("connector is invalid")
        }

        var codeLists = CodeLists()
        for file in document["codeLists"]?.arrayValue ?? [] {
            guard let path = file.stringValue else { throw invalid("codeLists holds paths") }
            let resolved = path.hasPrefix("/") ? path : (baseDirectory as NSString).appendingPathComponent(path)
            do {
                try codeLists.add(document: try Self.readJSON(resolved))
            } catch let error as MappingError {
                throw invalid("code list '\(path)': \(error.rule)", cause: error.code.wireCode)
            } catch {
                throw invalid("code list '\(path)' cannot be read")
            }
        }
        let mapping: RecordMapping
        do {
            mapping = try RecordMapping(registry: registry, configuration: document["mapping"] ?? .null, codeLists: codeLists)
        } catch {
            throw invalid(error.detail, cause: error.code.wireCode)
        }
        var events: RegistryEvents?
        if let document = document["events"] {
            do throws(ChangeRuleError) {
                events = try RegistryEvents(document: document)
            } catch {
                throw invalid(error.rule)
            }
            if let events, !Self.detects(events.detection, with: connectorConfiguration) {
                throw invalid("events.detection \(events.detection.kind) does not suit a \(kind) connector")
            }
        }
        self.init(
            registry: registry, schema: schema, connector: connectorConfiguration, mapping: mapping,
            resilience: resilience, searches: searches, events: events)
    }

    /// Which detections each connector kind offers: SQL tables for SQLite and PostgreSQL, the reload diff for CSV, a
    /// feed for REST.
    static func detects(_ detection: ChangeDetection, with connector: ConnectorConfiguration) -> Bool {
        switch (connector, detection) {
        case (.sqlite, .changeTable), (.sqlite, .updatedAt), (.postgres, .changeTable), (.postgres, .updatedAt),
            (.csv, .reload), (.rest, .feed):
            true
        default: false
        }
    }

    /// The change source of the declared events, reading the back end on its own connections; `nil` without events.
    /// - Parameters:
    ///   - dataDirectory: Where relative database and file paths point.
    ///   - httpClient: The client a feed is read with.
    ///   - variables: Values for `{NAME}` placeholders of PostgreSQL connection strings and REST URLs.
    /// - Throws: `connector-configuration` when a connection string has a placeholder without a value.
    public func makeChangeSource(
        dataDirectory: String, httpClient: HTTPClient, variables: [String: String] = [:]
    ) throws(ConnectorError) -> (any ChangeSource)? {
        guard let events else { return nil }
        switch connector {
        case .sqlite(var configuration):
            configuration.poolSize = 1
            return SQLiteChangeSource(
                connector: SQLiteConnector(registry: registry, configuration: configuration, dataDirectory: dataDirectory),
                detection: events.detection)
        case .csv(let configuration):
            return CSVChangeSource(
                connector: CSVConnector(registry: registry, configuration: configuration, dataDirectory: dataDirectory))
        case .postgres(var configuration):
            configuration.poolSize = 1
            return PostgresChangeSource(
                connector: try PostgresConnector(registry: registry, configuration: configuration, variables: variables),
                detection: events.detection)
        case .rest(let configuration):
            guard case .feed(let url) = events.detection else { return nil }
            return RESTChangeSource(
                connector: RESTConnector(
                    registry: registry, configuration: configuration, variables: variables, client: httpClient),
                feed: url, variables: variables)
        }
    }

    /// Reads and parses a configuration file.
    /// - Throws: `connector-configuration` if the file is unreadable, not JSON, or invalid.
    public static func load(path: String) throws(ConnectorError) -> RegistryConfiguration {
        let document: JSONValue
        do {
            document = try readJSON(path)
        } catch {
            throw ConnectorError(
                code: .configuration, registry: (path as NSString).lastPathComponent,
                detail: "file cannot be read as JSON")
        }
        return try RegistryConfiguration(document: document, baseDirectory: (path as NSString).deletingLastPathComponent)
    }

    /// Reads every `*.json` file of a directory, in name order.
    public static func loadDirectory(_ directory: String) throws(ConnectorError) -> [RegistryConfiguration] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
        var configurations: [RegistryConfiguration] = []
        for name in names {
            configurations.append(try load(path: (directory as NSString).appendingPathComponent(name)))
        }
        return configurations
    }

    /// Makes the connector this configuration describes, wrapped in a ``ResilientConnector``.
    ///
    /// The resilience deadline defaults to the connector's own timeout (REST `timeoutMs`), else 5 seconds.
    /// - Parameters:
    ///   - dataDirectory: Where relative database paths point.
    ///   - httpClient: The client REST connectors share.
    ///   - variables: Values for REST URL template placeholders that are not key parts (e.g. `port`), and for
    ///     `{NAME}` placeholders of PostgreSQL connection strings.
    public func makeConnector(
        dataDirectory: String, httpClient: HTTPClient, variables: [String: String] = [:]
    ) throws(ConnectorError) -> any RegistryConnector {
        let base: any RegistryConnector
        var deadline = Duration.seconds(5)
        switch connector {
        case .sqlite(let configuration):
            base = SQLiteConnector(registry: registry, configuration: configuration, dataDirectory: dataDirectory)
        case .csv(let configuration):
            base = CSVConnector(registry: registry, configuration: configuration, dataDirectory: dataDirectory)
        case .rest(let configuration):
            base = RESTConnector(registry: registry, configuration: configuration, variables: variables, client: httpClient)
            deadline = .milliseconds(configuration.timeoutMs)
        case .postgres(let configuration):
            base = try PostgresConnector(registry: registry, configuration: configuration, variables: variables)
        }
        return ResilientConnector(base: base, registry: registry, configuration: resilience, deadline: deadline)
    }

    static func readJSON(_ path: String) throws -> JSONValue {
        try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }
}
