import Foundation
import LienthongCommandLine
import LienthongGateway
import LienthongJSON
import LienthongSchema

/// `lienthong config check [DIR] [--schemas DIR]`: the configuration directory against `config.v1`
/// and the rules between its files; each problem on one line as `file#/pointer: message`.
///
/// The schemas are those `serve` loads, node.json's `schemas` (relative to the configuration directory), when that
/// directory exists; else `./schemas` (a copied configuration whose relative path no longer leads anywhere);
/// `--schemas` overrides both.
///
/// Exit status: 0 no problem, 1 problems found, 2 usage error (no such directory, no schemas).
struct ConfigCheckCommand: LienthongCommand {
    static let command = Command(
        "config", summary: "gateway configuration directories",
        subcommands: [
            Command(
                "check", summary: "check a configuration directory against config.v1 and the rules between its files",
                discussion: "Exit status: 0 no problem, 1 problems found (one per line), 2 usage error.",
                arguments: [
                    Positional("DIR", help: "the configuration directory (default: config/demo)", required: false)
                ],
                options: [
                    .value(
                        "schemas", "DIR",
                        help: "the schemas directory (default: node.json's schemas if it exists, else ./schemas)"),
                ])
        ])

    let arguments: Arguments

    init(_ arguments: Arguments) { self.arguments = arguments }

    func run() throws -> Int32 {
        let directory = arguments.positional.first ?? "config/demo"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw UsageError("no configuration directory \(directory)")
        }
        let schemas = arguments.option("schemas") ?? Self.configuredSchemas(in: directory) ?? "schemas"
        let catalog: SchemaCatalog
        do {
            catalog = try SchemaCatalog.load(directory: URL(fileURLWithPath: schemas))
        } catch {
            throw UsageError("schemas in \(schemas): \(error)")
        }
        let problems = ConfigurationCheck.run(configDirectory: URL(fileURLWithPath: directory), catalog: catalog)
        for problem in problems { print(problem) }
        if problems.isEmpty {
            print("\(directory): configuration is valid")
            return 0
        }
        print("\(directory): \(problems.count) problem\(problems.count == 1 ? "" : "s")")
        return 1
    }

    /// node.json's `schemas` resolved against the configuration directory, if the file names one that exists.
    private static func configuredSchemas(in directory: String) -> String? {
        let node = URL(fileURLWithPath: directory).appendingPathComponent("node.json")
        guard let data = FileManager.default.contents(atPath: node.path),
            let path = (try? JSONValue.parse(Array(data)))?["schemas"]?.stringValue
        else { return nil }
        let resolved = path.hasPrefix("/") ? path : URL(fileURLWithPath: directory).appendingPathComponent(path).path
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) && isDirectory.boolValue
            ? resolved : nil
    }
}
