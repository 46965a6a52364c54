public import Foundation
import LienthongJSON
public import LienthongSchema

/// `lienthong config check`: every file of a configuration directory against `config.v1`, then the
/// rules between files, reporting every problem with its file and JSON Pointer.
///
/// The directory is validated as one object keyed by file path (`node.json`,
/// `registries/population.json`, …; see `schemas/config.v1.json`), so the first token of each
/// error's instance location names the file. Then ``GatewayConfiguration/load(configDirectory:dataDirectory:listen:)``
/// checks the cross-references it knows (grants name known consumers, services and purposes; unique
/// registry names), and this check adds: each connector file's `schema` is in the catalogue, and its
/// `registry` agrees with its entry in `registries.json`.
///
/// ```swift
/// let problems = ConfigurationCheck.run(configDirectory: URL(fileURLWithPath: "config/demo"), catalog: catalog)
/// for problem in problems { print(problem) }   // grants.json#/1/purposes/0: unknown purpose …
/// ```
public enum ConfigurationCheck {
    /// The id of the configuration schema in the catalogue.
    public static let schemaID = "config.v1"

    /// The fixed files of a configuration directory.
    public static let files = ["node.json", "members.json", "purposes.json", "consumers.json", "grants.json", "registries.json"]

    /// Every problem found in `configDirectory`, in file order; empty when the configuration is good.
    ///
    /// - Parameters:
    ///   - configDirectory: The directory (e.g. `config/demo`).
    ///   - catalog: The schemas; must hold ``schemaID``.
    public static func run(configDirectory: URL, catalog: SchemaCatalog) -> [ConfigurationError] {
        var problems: [ConfigurationError] = []
        var documents: [String: JSONValue] = [:]
        var paths = files
        for file in files {
            guard let value = read(file, in: configDirectory, into: &problems) else { continue }
            documents[file] = value
            if file == "registries.json", case .array(let entries) = value {
                for entry in entries {
                    if let connector = entry["connector"]?.stringValue, !paths.contains(connector) {
                        paths.append(connector)
                    }
                }
            }
        }
        for file in paths where !files.contains(file) {
            if let value = read(file, in: configDirectory, into: &problems) { documents[file] = value }
        }

        // The schema: one pass over the directory as an object keyed by file.
        guard let schema = catalog.compiled(schemaID) else {
            problems.append(ConfigurationError(file: ".", message: "schema \(schemaID) is not in the catalogue"))
            return problems
        }
        let present = Set(documents.keys)
        for error in schema.validate(.object(documents)).errors {
            let tokens = error.instanceLocation.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
            guard let first = tokens.first else {
                // A file missing (required) or not allowed (additionalProperties): name it if we can.
                if error.keywordLocation.hasSuffix("/required") { continue }  // reported as unreadable already
                problems.append(ConfigurationError(file: ".", message: error.error))
                continue
            }
            let file = unescape(first)
            guard present.contains(file) else { continue }
            let pointer = tokens.count > 1 ? "/" + tokens.dropFirst().joined(separator: "/") : ""
            problems.append(ConfigurationError(file: file, pointer: pointer, message: "\(error.error) [\(error.keywordLocation)]"))
        }

        // Rules between files. The loader stops at its first problem, so the references it checks
        // (grants → consumers, services, purposes; unique registry names) are also checked here,
        // all of them, on the raw files.
        problems += references(documents)
        if case .array(let entries)? = documents["registries.json"] {
            for (index, entry) in entries.enumerated() {
                guard let file = entry["connector"]?.stringValue, let connector = documents[file] else { continue }
                // The canonical schema is named once, in the connector file.
                if let name = connector["schema"]?.stringValue, catalog.entry(name) == nil {
                    problems.append(ConfigurationError(file: file, pointer: "/schema", message: "unknown schema \(name)"))
                }
                // A document service needs somewhere to fetch documents from.
                if entry["documentService"] != nil, connector["connector"]?["document"] == nil {
                    problems.append(
                        ConfigurationError(
                            file: file, pointer: "/connector",
                            message: "registries.json#/\(index) names a documentService but the connector has no document"))
                }
                if let actual = connector["registry"], let expected = entry["name"], actual != expected {
                    problems.append(
                        ConfigurationError(
                            file: file, pointer: "/registry",
                            message: "\(actual.stringValue ?? "?") disagrees with registries.json#/\(index) (\(expected.stringValue ?? "?"))"))
                }
            }
        }
        do {
            _ = try GatewayConfiguration.load(configDirectory: configDirectory)
        } catch {
            // Whatever else the loader checks; its first problem is usually one already reported.
            if !problems.contains(where: { $0.file == error.file }) { problems.append(error) }
        }
        return problems
    }

    /// The loader's reference rules (``GatewayConfiguration/checkReferences()``), every violation.
    private static func references(_ documents: [String: JSONValue]) -> [ConfigurationError] {
        func values(_ file: String, _ member: String) -> Set<String> {
            guard case .array(let items)? = documents[file] else { return [] }
            return Set(items.compactMap { $0[member]?.stringValue })
        }
        var problems: [ConfigurationError] = []
        let consumers = values("consumers.json", "id")
        let purposes = values("purposes.json", "code")
        let services = values("registries.json", "service").union(values("registries.json", "documentService"))
        if case .array(let grants)? = documents["grants.json"] {
            for (index, grant) in grants.enumerated() {
                if let consumer = grant["consumer"]?.stringValue, !consumers.contains(consumer) {
                    problems.append(
                        ConfigurationError(file: "grants.json", pointer: "/\(index)/consumer", message: "unknown consumer \(consumer)"))
                }
                if let service = grant["service"]?.stringValue, !services.contains(service) {
                    problems.append(
                        ConfigurationError(file: "grants.json", pointer: "/\(index)/service", message: "unknown service \(service)"))
                }
                for (position, purpose) in (grant["purposes"]?.arrayValue ?? []).enumerated() {
                    guard let code = purpose.stringValue, !purposes.contains(code) else { continue }
                    problems.append(
                        ConfigurationError(
                            file: "grants.json", pointer: "/\(index)/purposes/\(position)", message: "unknown purpose \(code)"))
                }
            }
        }
        if case .array(let entries)? = documents["registries.json"] {
            var names = Set<String>()
            for (index, entry) in entries.enumerated() {
                guard let name = entry["name"]?.stringValue, !names.insert(name).inserted else { continue }
                problems.append(
                    ConfigurationError(file: "registries.json", pointer: "/\(index)/name", message: "duplicate registry name \(name)"))
            }
        }
        return problems
    }

    private static func read(_ file: String, in directory: URL, into problems: inout [ConfigurationError]) -> JSONValue? {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent(file).path) else {
            problems.append(ConfigurationError(file: file, message: "cannot be read"))
            return nil
        }
        do {
            return try JSONValue.parse([UInt8](data))
        } catch {
            problems.append(ConfigurationError(file: file, message: "is not valid JSON (\(error.code), byte \(error.offset ?? 0))"))
            return nil
        }
    }

    private static func unescape(_ token: Substring) -> String {
        token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
    }
}
