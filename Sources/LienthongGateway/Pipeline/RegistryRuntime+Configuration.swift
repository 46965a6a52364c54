import Foundation
import LienthongConnectors
import LienthongCore
import LienthongHTTP
import LienthongSchema

extension RegistryRuntime {
    /// Every registry of a configuration, its connector built (not yet opened) as `serve` and `config check --probe`
    /// both use it.
    /// - Parameters:
    ///   - httpClient: The client REST connectors share.
    ///   - variables: URL template values that are not key parts (the demo agency API's `port`).
    static func make(
        _ configuration: GatewayConfiguration, httpClient: HTTPClient, variables: [String: String]
    ) throws -> [RegistryRuntime] {
        try configuration.registries.map { try make($0, configuration, httpClient: httpClient, variables: variables) }
    }

    /// One registry of a configuration, its connector built (not yet opened).
    static func make(
        _ descriptor: RegistryDescriptor, _ configuration: GatewayConfiguration, httpClient: HTTPClient,
        variables: [String: String]
    ) throws -> RegistryRuntime {
        let registryConfiguration = try RegistryConfiguration(
            document: descriptor.connector,
            baseDirectory: URL(fileURLWithPath: descriptor.connectorFile).deletingLastPathComponent().path
        )
        let registry = try MappedRegistry(
            configuration: registryConfiguration, dataDirectory: configuration.dataDirectory.path,
            httpClient: httpClient, variables: variables
        )
        return RegistryRuntime(
            descriptor: descriptor, registry: registry, schema: try compiledSchema(of: descriptor, in: configuration.catalog))
    }

    /// The compiled canonical schema of `descriptor`; the configuration check resolved every schema name against
    /// this catalogue, so a miss is a configuration that skipped it.
    static func compiledSchema(of descriptor: RegistryDescriptor, in catalog: SchemaCatalog) throws -> JSONSchema {
        guard let schema = catalog.compiled(descriptor.schema) else {
            throw ConfigurationError(
                file: "registries.json", pointer: "/\(descriptor.name)",
                message: "schema \(descriptor.schema) is not in the schema directory"
            )
        }
        return schema
    }
}
