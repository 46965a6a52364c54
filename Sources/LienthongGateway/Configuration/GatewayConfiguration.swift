public import Foundation
public import LienthongCore
import LienthongJSON

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

    /// The effective limits.
    public var limits: NodeConfiguration.Limits { node.limits ?? .init() }

    /// Loads `node.json`, `members.json`, `purposes.json`, `consumers.json`, `grants.json`,
    /// `registries.json` and each registry's connector file.
    /// - Parameters:
    ///   - dataDirectory: overrides the node's `dataDirectory` (from `--data-dir` or the environment).
    ///   - listen: overrides the node's `listen`.
    public static func load(
        configDirectory: URL, dataDirectory: URL? = nil, listen: String? = nil
    ) throws(ConfigurationError) -> GatewayConfiguration {
        let node: NodeConfiguration = try decode("node.json", in: configDirectory)
        let members: [MemberDescriptor] = try decode("members.json", in: configDirectory)
        let purposes: [Purpose] = try decode("purposes.json", in: configDirectory)
        let consumers: [Consumer] = try decode("consumers.json", in: configDirectory)
        let grants: [Grant] = try decode("grants.json", in: configDirectory)
        let entries: [RegistryEntry] = try decode("registries.json", in: configDirectory)
        var registries: [RegistryDescriptor] = []
        for (index, entry) in entries.enumerated() {
            guard let keyKind = RegistryKeyKind(rawValue: entry.keyKind) else {
                throw ConfigurationError(
                    file: "registries.json", pointer: "/\(index)/keyKind",
                    message: "unknown key kind; one of \(RegistryKeyKind.allCases.map(\.rawValue))"
                )
            }
            let connector = try parse(entry.connector, in: configDirectory)
            guard connector["registry"]?.stringValue == entry.name, let schema = connector["schema"]?.stringValue else {
                throw ConfigurationError(
                    file: entry.connector, pointer: "/registry",
                    message: "must name registry '\(entry.name)' and its canonical schema"
                )
            }
            if let documentService = entry.documentService, documentService.subsystem != entry.service.subsystem {
                throw ConfigurationError(
                    file: "registries.json", pointer: "/\(index)/documentService",
                    message: "must belong to the provider of \(entry.service)"
                )
            }
            registries.append(
                RegistryDescriptor(
                    name: entry.name, service: entry.service, keyKind: keyKind, schema: schema,
                    connector: connector,
                    connectorFile: configDirectory.appendingPathComponent(entry.connector).path,
                    documentService: entry.documentService
                )
            )
        }
        let data = dataDirectory ?? URL(fileURLWithPath: node.dataDirectory ?? ".lienthong")
        let configuration = GatewayConfiguration(
            configDirectory: configDirectory, dataDirectory: data, listen: listen ?? node.listen, node: node,
            members: members, policy: PolicyConfiguration(purposes: purposes, consumers: consumers, grants: grants),
            registries: registries
        )
        try configuration.checkReferences()
        return configuration
    }

    /// A path from the configuration, resolved against the data directory.
    public func dataPath(_ relative: String) -> URL {
        relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : dataDirectory.appendingPathComponent(relative)
    }

    /// A path from the configuration, resolved against the configuration directory.
    public func configPath(_ relative: String) -> URL {
        relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : configDirectory.appendingPathComponent(relative)
    }

    /// Cross-file rules: grants name known consumers, services and purposes; names are unique.
    func checkReferences() throws(ConfigurationError) {
        if node.audit?.enabled == false, node.developmentPKI != true {
            throw ConfigurationError(
                file: "node.json", pointer: "/audit/enabled",
                message: "the audit log may be turned off only on a development node (benchmarks)"
            )
        }
        let consumers = Set(policy.consumers.map(\.id))
        let purposes = Set(policy.purposes.map(\.code))
        let services = Set(registries.map(\.service) + registries.compactMap(\.documentService))
        for (index, grant) in policy.grants.enumerated() {
            if !consumers.contains(grant.consumer) {
                throw ConfigurationError(file: "grants.json", pointer: "/\(index)/consumer", message: "unknown consumer \(grant.consumer)")
            }
            if !services.contains(grant.service) {
                throw ConfigurationError(file: "grants.json", pointer: "/\(index)/service", message: "unknown service \(grant.service)")
            }
            for (purposeIndex, purpose) in grant.purposes.enumerated() where !purposes.contains(purpose) {
                throw ConfigurationError(
                    file: "grants.json", pointer: "/\(index)/purposes/\(purposeIndex)", message: "unknown purpose \(purpose)"
                )
            }
        }
        var names = Set<String>()
        for (index, registry) in registries.enumerated() where !names.insert(registry.name).inserted {
            throw ConfigurationError(file: "registries.json", pointer: "/\(index)/name", message: "duplicate registry name")
        }
    }

    private struct RegistryEntry: Decodable {
        var name: String
        var service: ExchangeID
        var keyKind: String
        var connector: String
        var documentService: ExchangeID?
    }

    private static func parse(_ file: String, in directory: URL) throws(ConfigurationError) -> JSONValue {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: directory.appendingPathComponent(file)))
        } catch {
            throw ConfigurationError(file: file, message: "cannot be read")
        }
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw ConfigurationError(file: file, message: "is not valid JSON (\(error.code), byte \(error.offset ?? 0))")
        }
    }

    private static func decode<T: Decodable>(_ file: String, in directory: URL) throws(ConfigurationError) -> T {
        let value = try parse(file, in: directory)
        do {
            return try JSONValueDecoder().decode(T.self, from: value)
        } catch {
            throw ConfigurationError(file: file, pointer: error.pointer, message: error.detail)
        }
    }
}
