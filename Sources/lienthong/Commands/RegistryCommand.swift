import Foundation
import LienthongCommandLine
import LienthongConnectors
import LienthongGateway

/// `lienthong registry load-postgres [--config DIR] [--url URL] [--seeds DIR]`: creates the demo enterprise
/// table (`doanh_nghiep`, the Ministry of Finance's native columns) in the PostgreSQL database of a configuration
/// whose enterprise registry is `"kind": "postgres"`, and loads `enterprise.csv` from the seeds into it.
///
/// Idempotent: the table is dropped and created again in one transaction, so a second run leaves exactly the
/// seed's rows. The database is `--url`, else the connector's `url` with its `{NAME}` placeholders filled from the
/// environment (`LIENTHONG_POSTGRES_URL` for `config/postgres`), as `serve` fills them. The URL is never printed.
struct RegistryCommand: LienthongCommand {
    static let command = Command(
        "registry", summary: "demo registry data in external databases",
        subcommands: [
            Command(
                "load-postgres", summary: "load the demo enterprise table into PostgreSQL (idempotent)",
                discussion: """
                    Creates the table doanh_nghiep in the PostgreSQL database of a configuration whose enterprise
                    registry is in PostgreSQL, and loads seeds/enterprise.csv into it, replacing what is there.
                    """,
                options: [
                    .value(
                        "config", "DIR",
                        help: "configuration directory (default: $LIENTHONG_CONFIG, else config/postgres)"),
                    .value(
                        "url", "URL",
                        help: "the database (default: the connector's url, its {NAME} placeholders from the "
                            + "environment, e.g. LIENTHONG_POSTGRES_URL)"),
                    .value("seeds", "DIR", help: "the seeds directory (default: node.json's seeds)"),
                ])
        ])

    let arguments: Arguments

    init(_ arguments: Arguments) { self.arguments = arguments }

    func run() async throws -> Int32 {
        let directory = arguments.option("config") ?? ProcessInfo.processInfo.environment["LIENTHONG_CONFIG"] ?? "config/postgres"
        let configuration = try GatewayConfiguration.load(configDirectory: URL(fileURLWithPath: directory))
        guard let descriptor = configuration.registries.first(where: { $0.name == "enterprise" }) else {
            throw UsageError("\(directory) has no enterprise registry")
        }
        let registry = try RegistryConfiguration(
            document: descriptor.connector,
            baseDirectory: URL(fileURLWithPath: descriptor.connectorFile).deletingLastPathComponent().path
        )
        guard case .postgres(let postgres) = registry.connector else {
            throw UsageError("the enterprise registry of \(directory) is not in PostgreSQL (its connector kind is not postgres)")
        }
        guard let conninfo = arguments.option("url") ?? postgres.resolvedConninfo() else {
            // The url itself is not echoed: it may hold a password beside its placeholders.
            throw UsageError(
                "no database: give --url, or set the environment variables the connector's url names in {…} "
                    + "(LIENTHONG_POSTGRES_URL for config/postgres)")
        }
        guard let seeds = arguments.option("seeds") ?? configuration.node.seeds.map({ configuration.configPath($0).path })
        else { throw UsageError("no seeds directory: give --seeds, or set seeds in node.json") }
        let rows = try await PostgresEnterpriseLoader.load(seedsDirectory: seeds, conninfo: conninfo)
        print("enterprise: \(rows) rows loaded into table doanh_nghiep")
        return 0
    }
}
