import Foundation
import LienthongCommandLine
import LienthongGateway

/// `lienthong config check [DIR] [--schemas DIR] [--data-dir DIR] [--probe]`: every check `serve` runs before it
/// starts (``GatewayConfiguration/resolve(configDirectory:dataDirectory:listen:schemas:)``), each problem on one line
/// as `file#/pointer: message`; with `--probe`, also each connector's lookup and searches against its back end.
///
/// The schemas are those `serve` loads (node.json's `schemas`, relative to the configuration directory) unless
/// `--schemas` names others; the data directory is `--data-dir`, `$LIENTHONG_DATA_DIR` or node.json's, as for `serve`.
///
/// Exit status: 0 no problem, 1 problems found, 2 usage error (no such directory).
struct ConfigCheckCommand: LienthongCommand {
    static let command = Command(
        "config", summary: "gateway configuration directories",
        subcommands: [
            Command(
                "check", summary: "run every check serve runs on a configuration directory",
                discussion: """
                    Checks config.v1, the rules between the directory's files and the files they name; --probe also
                    runs each connector's lookup (its probeKey) and searches against the real back end.
                    Exit status: 0 no problem, 1 problems found (one per line), 2 usage error.
                    """,
                arguments: [
                    Positional("DIR", help: "the configuration directory (default: config/demo)", required: false)
                ],
                options: [
                    .value("schemas", "DIR", help: "the schemas directory (default: node.json's schemas)"),
                    .value(
                        "data-dir", "DIR",
                        help: "the node's data directory (default: $LIENTHONG_DATA_DIR, else node.json's)"),
                    .flag("probe", help: "also run each connector's lookup and searches against its back end"),
                ])
        ])

    let arguments: Arguments

    init(_ arguments: Arguments) { self.arguments = arguments }

    func run() async throws -> Int32 {
        let directory = arguments.positional.first ?? "config/demo"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw UsageError("no configuration directory \(directory)")
        }
        let dataDirectory = arguments.option("data-dir") ?? ProcessInfo.processInfo.environment["LIENTHONG_DATA_DIR"]
        let problems: [ConfigurationError]
        switch GatewayConfiguration.resolve(
            configDirectory: URL(fileURLWithPath: directory),
            dataDirectory: dataDirectory.map(URL.init(fileURLWithPath:)),
            schemas: arguments.option("schemas").map(URL.init(fileURLWithPath:))
        ) {
        case .success(let configuration):
            problems = arguments.flag("probe") ? await ConfigurationProbe.run(configuration) : []
        case .failure(let invalid):
            problems = invalid.problems
        }
        for problem in problems { print(problem) }
        if problems.isEmpty {
            print("\(directory): configuration is valid")
            return 0
        }
        print("\(directory): \(problems.count) problem\(problems.count == 1 ? "" : "s")")
        return 1
    }
}
