import Foundation
import LienthongConnectors
import LienthongHTTP

extension RegistryRuntime {
    /// Every registry of a configuration, its connector built (not yet opened) as `serve` and `config check --probe`
    /// both use it.
    /// - Parameters:
    ///   - httpClient: The client REST connectors share.
    ///   - variables: URL template values that are not key parts (the demo agency API's `port`).
    static func make(
        _ configuration: GatewayConfiguration, httpClient: HTTPClient, variables: [String: String]
    ) throws -> [RegistryRuntime] {
        var runtimes: [RegistryRuntime] = []
        for descriptor in configuration.registries {
            let registryConfiguration = try RegistryConfiguration(
                document: descriptor.connector,
                baseDirectory: URL(fileURLWithPath: descriptor.connectorFile).deletingLastPathComponent().path
            )
            let registry = try MappedRegistry(
                configuration: registryConfiguration, dataDirectory: configuration.dataDirectory.path,
                httpClient: httpClient, variables: variables
            )
            // The check resolved every schema name against this catalogue.
            guard let schema = configuration.catalog.compiled(descriptor.schema) else {
                throw ConfigurationError(
                    file: "registries.json", pointer: "/\(descriptor.name)",
                    message: "schema \(descriptor.schema) is not in the schema directory"
                )
            }
            runtimes.append(RegistryRuntime(descriptor: descriptor, registry: registry, schema: schema))
        }
        return runtimes
    }
}
