import Foundation
import LienthongConnectors
import LienthongHTTP
import LienthongCore
import LienthongJSON

/// `config check --probe`: opens every connector of a resolved configuration and runs its lookup (with the
/// registry's `probeKey`) and each of its search statements against the real database or API, so a missing table
/// or column, an unreachable API or a record that does not map is an error before `serve`, not a 500 after it.
///
/// Prepares only what the connectors read: the demo registries from `seeds` (as `serve` does on start) and the
/// demo agency API while the probe runs. Each problem names the registry and points at its connector file.
///
/// ```swift
/// let configuration = try GatewayConfiguration.load(configDirectory: URL(fileURLWithPath: "config/demo"))
/// for problem in await ConfigurationProbe.run(configuration) { print(problem) }
/// ```
public enum ConfigurationProbe {
    /// Every problem the back ends show; empty when each lookup and search ran.
    public static func run(_ configuration: GatewayConfiguration) async -> [ConfigurationError] {
        do {
            try DataDirectory(configuration: configuration).buildDemoRegistries()
        } catch {
            return [ConfigurationError(file: "node.json", pointer: "/seeds", message: "\(error)")]
        }
        let agency: (server: HTTPServer, variables: [String: String])?
        do {
            agency = try await DemoAgencyAPI.start(configuration)
        } catch {
            return [ConfigurationError(file: "node.json", pointer: "/demoAgencyAPI", message: "cannot start: \(error)")]
        }
        guard let agency else { return await probeRegistries(configuration, variables: [:]) }
        return await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await agency.server.run() }
            let problems = await probeRegistries(configuration, variables: agency.variables)
            agency.server.shutdown()
            await group.waitForAll()
            return problems
        }
    }

    private static func probeRegistries(
        _ configuration: GatewayConfiguration, variables: [String: String]
    ) async -> [ConfigurationError] {
        let httpClient = HTTPClient()
        defer { httpClient.shutdown() }
        let runtimes: [RegistryRuntime]
        do {
            runtimes = try RegistryRuntime.make(configuration, httpClient: httpClient, variables: variables)
        } catch let error as ConfigurationError {
            return [error]
        } catch {
            return [ConfigurationError(file: "registries.json", message: "\(error)")]
        }
        var problems: [ConfigurationError] = []
        for runtime in runtimes {
            problems += await probe(runtime, file: relativePath(runtime.descriptor.connectorFile, in: configuration))
            await runtime.registry.connector.close()
        }
        return problems
    }

    /// The probe of one registry on a running node (the admin listener's connector test), through a connector of
    /// its own so that the probe neither waits on nor trips the breaker of the one serving.
    static func run(
        _ descriptor: RegistryDescriptor, in configuration: GatewayConfiguration, httpClient: HTTPClient,
        variables: [String: String]
    ) async -> [ConfigurationError] {
        let file = relativePath(descriptor.connectorFile, in: configuration)
        let runtime: RegistryRuntime
        do {
            runtime = try RegistryRuntime.make(descriptor, configuration, httpClient: httpClient, variables: variables)
        } catch let error as ConfigurationError {
            return [error]
        } catch {
            return [ConfigurationError(file: file, message: "\(error)")]
        }
        let problems = await probe(runtime, file: file)
        await runtime.registry.connector.close()
        return problems
    }

    /// The lookup of the probe key, the record's mapping and schema, then each search statement.
    private static func probe(_ runtime: RegistryRuntime, file: String) async -> [ConfigurationError] {
        let name = runtime.descriptor.name
        guard let key = runtime.descriptor.connector["probeKey"]?.stringValue else {
            return [ConfigurationError(file: file, pointer: "/probeKey", message: "\(name): no probe key to look up")]
        }
        let record: JSONValue
        do {
            guard let found = try await runtime.registry.record(key: key) else {
                return [
                    ConfigurationError(
                        file: file, pointer: "/probeKey",
                        message: "\(name): no record has the probe key (a wrong key, or a lookup that finds nothing)")
                ]
            }
            record = found
        } catch {
            return [
                ConfigurationError(
                    file: file, pointer: "/connector/lookup",
                    message: "\(name): the lookup of the probe key failed: \(error)")
            ]
        }
        var problems: [ConfigurationError] = []
        // Pointers and keywords only: the validator's messages could quote the record's values.
        for error in runtime.schema.validate(record).errors.prefix(5) {
            problems.append(
                ConfigurationError(
                    file: file, pointer: "/mapping",
                    message: "\(name): the probe record breaks \(runtime.descriptor.schema) at "
                        + "'\(error.instanceLocation)' (\(error.keywordLocation))"))
        }
        // Every parameter a search could name, from the probe record; extra ones are not bound.
        var parameters: [String: String] = [:]
        for (member, value) in record.objectValue ?? [:] {
            parameters[member] = value.stringValue ?? value.numberValue?.literal
        }
        if parameters["personalId"] == nil { parameters["personalId"] = key }
        let searches = runtime.descriptor.connector["connector"]?["search"]?.objectValue?.keys.sorted() ?? []
        for search in searches {
            if let problem = await probe(search: search, runtime, parameters: parameters, key: key) {
                problems.append(
                    ConfigurationError(
                        file: file, pointer: JSONPointer(tokens: ["connector", "search", search]).description,
                        message: "\(name): \(problem)"))
            }
        }
        return problems
    }

    /// Runs one search as a named search (canonical parameters), else as a search on one field (`?1`, `?2`).
    private static func probe(
        search: String, _ runtime: RegistryRuntime, parameters: [String: String], key: String
    ) async -> String? {
        let connector = runtime.registry.connector
        let natives: [NativeRecord]
        do {
            natives = try await connector.search(NativeSearch(name: search, parameters: parameters, limit: 1))
        } catch let namedError {
            // A statement with positional parameters is a search on one field (`?1` the value, `?2` the limit).
            do {
                natives = try await connector.search(field: search, value: key, limit: 1)
            } catch {
                // A connector without field searches says nothing about this one: the named search's error does.
                return "search '\(search)' failed: \(error.code == .unsupported ? namedError : error)"
            }
        }
        for native in natives {
            do {
                _ = try runtime.registry.mapping.map(native)
            } catch {
                return "a record of search '\(search)' does not map: \(error)"
            }
        }
        return nil
    }

    private static func relativePath(_ path: String, in configuration: GatewayConfiguration) -> String {
        let base = configuration.configDirectory.standardizedFileURL.path + "/"
        let standardized = URL(fileURLWithPath: path).standardizedFileURL.path
        return standardized.hasPrefix(base) ? String(standardized.dropFirst(base.count)) : path
    }
}
