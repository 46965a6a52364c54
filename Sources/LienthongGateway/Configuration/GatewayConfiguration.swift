public import Foundation
public import LienthongCore
public import LienthongJSON
public import LienthongSchema

/// Everything a node runs on, loaded from a configuration directory and placed in a data directory.
public struct GatewayConfiguration: Sendable {
    /// The configuration directory (e.g. `config/demo`).
    public var configDirectory: URL
    /// Where databases, keys and the audit log live.
    public var dataDirectory: URL
    /// `HOST:PORT` to listen on, after overrides.
    public var listen: String
    public var node: NodeConfiguration
    public var members: [MemberDescriptor]
    public var policy: PolicyConfiguration
    public var registries: [RegistryDescriptor]

    /// The canonical schemas, loaded once from ``schemaDirectory``.
    public var catalog: SchemaCatalog
    /// The directory of the canonical schemas (node.json's `schemas`, unless overridden).
    public var schemaDirectory: URL

    /// The effective limits.
    public var limits: NodeConfiguration.Limits { node.limits ?? .init() }

    /// Loads a configuration directory and checks every rule a node needs (`config.v1`, the rules between files,
    /// the files and directories it names): the one way to a configuration, used by `serve`, `config check` and
    /// reloads alike.
    ///
    /// ```swift
    /// switch GatewayConfiguration.resolve(configDirectory: URL(fileURLWithPath: "config/demo")) {
    /// case .success(let configuration): try await Gateway.serve(configuration)
    /// case .failure(let invalid): for problem in invalid.problems { print(problem) }  // grants.json#/1/…
    /// }
    /// ```
    /// - Parameters:
    ///   - configDirectory: The directory (e.g. `config/demo`).
    ///   - dataDirectory: Overrides node.json's `dataDirectory` (from `--data-dir` or the environment).
    ///   - listen: Overrides node.json's `listen`.
    ///   - schemas: Overrides node.json's `schemas` directory.
    ///   - replacing: Files taken from here rather than from the directory, by relative path (a staged change).
    /// - Returns: The configuration, or every problem found, each with its file and JSON Pointer.
    public static func resolve(
        configDirectory: URL, dataDirectory: URL? = nil, listen: String? = nil, schemas: URL? = nil,
        replacing: [String: JSONValue] = [:]
    ) -> Result<GatewayConfiguration, InvalidConfiguration> {
        let documents = ConfigurationDocuments(directory: configDirectory, replacing: replacing)
        var problems = documents.problems
        let node = documents["node.json"]
        let data = dataDirectory ?? URL(fileURLWithPath: node?["dataDirectory"]?.stringValue ?? ".lienthong")
        if let listen {
            do {
                _ = try ListenAddress.parse(listen, file: "--listen", pointer: "")
            } catch {
                problems.append(error)
            }
        }
        let relative = node?["schemas"]?.stringValue ?? "schemas"
        let directory =
            schemas
            ?? (relative.hasPrefix("/")
                ? URL(fileURLWithPath: relative) : configDirectory.appendingPathComponent(relative))
        var catalog: SchemaCatalog?
        // Without node.json the schemas directory is unknown, and its absence was reported already.
        if node != nil || schemas != nil {
            switch loadCatalog(directory) {
            case .success(let loaded): catalog = loaded
            case .failure(let problem): problems.append(problem)
            }
        }
        var check = ConfigurationCheck(
            documents: documents, configDirectory: configDirectory, dataDirectory: data, catalog: catalog)
        check.run()
        problems += check.problems
        guard problems.isEmpty, let catalog else { return .failure(InvalidConfiguration(problems: problems)) }
        do {
            return .success(
                try build(
                    documents, configDirectory: configDirectory, dataDirectory: data, listen: listen,
                    catalog: catalog, schemaDirectory: directory)
            )
        } catch {
            return .failure(InvalidConfiguration(problems: [error]))
        }
    }

    /// The canonical schemas of a directory, or why there are none, reported against node.json's `schemas`.
    private static func loadCatalog(_ directory: URL) -> Result<SchemaCatalog, ConfigurationError> {
        guard ConfigurationCheck.exists(directory, directory: true) else {
            return .failure(
                ConfigurationError(
                    file: "node.json", pointer: "/schemas",
                    message: "directory \(directory.standardizedFileURL.path) does not exist"))
        }
        do {
            return .success(try SchemaCatalog.load(directory: directory))
        } catch {
            return .failure(ConfigurationError(file: "node.json", pointer: "/schemas", message: "\(error)"))
        }
    }

    /// ``resolve(configDirectory:dataDirectory:listen:schemas:)``, throwing its problems.
    public static func load(
        configDirectory: URL, dataDirectory: URL? = nil, listen: String? = nil
    ) throws(InvalidConfiguration) -> GatewayConfiguration {
        try resolve(configDirectory: configDirectory, dataDirectory: dataDirectory, listen: listen).get()
    }

    /// The typed configuration of a directory that passed every check.
    private static func build(
        _ documents: ConfigurationDocuments, configDirectory: URL, dataDirectory: URL, listen: String?,
        catalog: SchemaCatalog, schemaDirectory: URL
    ) throws(ConfigurationError) -> GatewayConfiguration {
        let node: NodeConfiguration = try decode(documents, "node.json")
        // Checked here, not first at start-up, so that config check refuses what serve would refuse.
        if let citizenIdentity = node.citizenIdentity { _ = try citizenIdentity.verifierConfiguration() }
        let members: [MemberDescriptor] = try decode(documents, "members.json")
        let purposes: [Purpose] = try decode(documents, "purposes.json")
        let consumers: [Consumer] = try decode(documents, "consumers.json")
        let (grants, messageGrants, eventGrants) = try decodeGrants(documents)
        let entries: [RegistryEntry] = try decode(documents, "registries.json")
        var registries: [RegistryDescriptor] = []
        for (index, entry) in entries.enumerated() {
            // config.v1 and the check hold these; the typed value needs them unwrapped.
            guard let keyKind = RegistryKeyKind(rawValue: entry.keyKind), let connector = documents[entry.connector],
                let schema = connector["schema"]?.stringValue
            else {
                throw ConfigurationError(file: "registries.json", pointer: "/\(index)", message: "is incomplete")
            }
            registries.append(
                RegistryDescriptor(
                    name: entry.name, service: entry.service, keyKind: keyKind, schema: schema,
                    connector: connector,
                    connectorFile: configDirectory.appendingPathComponent(entry.connector).path,
                    documentService: entry.documentService, rateLimit: entry.rateLimit
                )
            )
        }
        return GatewayConfiguration(
            configDirectory: configDirectory, dataDirectory: dataDirectory, listen: listen ?? node.listen, node: node,
            members: members,
            policy: PolicyConfiguration(
                purposes: purposes, consumers: consumers, grants: grants, messageGrants: messageGrants,
                eventGrants: eventGrants),
            registries: registries, catalog: catalog, schemaDirectory: schemaDirectory
        )
    }

    /// A path from the configuration, resolved against the data directory.
    public func dataPath(_ relative: String) -> URL {
        relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : dataDirectory.appendingPathComponent(relative)
    }

    /// A path from the configuration, resolved against the configuration directory.
    public func configPath(_ relative: String) -> URL {
        relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : configDirectory.appendingPathComponent(relative)
    }

    private struct RegistryEntry: Decodable {
        var name: String
        var service: ExchangeID
        var keyKind: String
        var connector: String
        var documentService: ExchangeID?
        var rateLimit: RateLimit?
    }

    /// grants.json: lookup grants, the grants of kind `messages` to send documents and of kind `events` to
    /// subscribe to change events.
    private static func decodeGrants(
        _ documents: ConfigurationDocuments
    ) throws(ConfigurationError) -> (grants: [Grant], messageGrants: [MessageGrant], eventGrants: [EventGrant]) {
        var grants: [Grant] = []
        var messageGrants: [MessageGrant] = []
        var eventGrants: [EventGrant] = []
        for (index, entry) in documents.array("grants.json").enumerated() {
            do {
                if entry["kind"]?.stringValue == "events" {
                    eventGrants.append(try JSONValueDecoder().decode(EventGrant.self, from: entry))
                } else if entry["kind"] != nil {
                    messageGrants.append(try JSONValueDecoder().decode(MessageGrant.self, from: entry))
                } else {
                    grants.append(try JSONValueDecoder().decode(Grant.self, from: entry))
                }
            } catch {
                throw ConfigurationError(
                    file: "grants.json", pointer: "/\(index)\(error.pointer ?? "")", message: error.detail)
            }
        }
        return (grants, messageGrants, eventGrants)
    }

    private static func decode<T: Decodable>(
        _ documents: ConfigurationDocuments, _ file: String
    ) throws(ConfigurationError) -> T {
        guard let value = documents[file] else { throw ConfigurationError(file: file, message: "cannot be read") }
        do {
            return try JSONValueDecoder().decode(T.self, from: value)
        } catch {
            throw ConfigurationError(file: file, pointer: error.pointer, message: error.detail)
        }
    }
}
