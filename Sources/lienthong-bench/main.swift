import Foundation
import LienthongCommandLine

// lienthong-bench: the Swift half of bench/run. The shell script starts processes and drives wrk;
// this tool does what needs JSON: fixtures, configuration rewriting, a free port, the report; the direct
// database baselines of the per-connector-kind comparison and of the PostgreSQL audit log; and the audit append load of the crash test.
// Exit status: 0 success, 1 failure, 2 usage error; `report` 3 or 4 as its help says.

/// A failure the tool reports on standard error before exiting with status 1.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

let seconds = ValueFormat(expected: "a number of seconds") { (Double($0) ?? 0) > 0 }

let tool = Command(
    "lienthong-bench", summary: "fixtures, baselines and reports for bench/run",
    subcommands: [
        Command("free-port", summary: "print a free TCP port on 127.0.0.1"),
        Command(
            "fixtures", summary: "upstream files (one per parcel) and request path lists",
            options: [
                .value("seeds", "DIR", help: "the seeds directory", required: true),
                .value("upstream-root", "DIR", help: "where the upstream nginx serves files from", required: true),
                .value("out", "DIR", help: "where the path lists go", required: true),
                .value("large-mib", "N", help: "size of the large document (default: 50)", format: .positiveInteger),
            ]),
        Command(
            "prepare-config", summary: "rewrite a copy of config/demo in place for the benchmark",
            options: [
                .value("config", "DIR", help: "the copy to rewrite", required: true),
                .value("repo", "DIR", help: "the repository root", required: true),
                .value(
                    "upstream-port", "PORT", help: "the upstream nginx's port", format: .positiveInteger,
                    required: true),
                .flag("plain", help: "plain HTTP instead of TLS"),
                .flag("audit-off", help: "no audit log"),
                .value("postgres-storage", "URL", help: "the node's state (audit, replay) in this PostgreSQL"),
                .value("bus-servers", "URLS", help: "documents on JetStream: nats://HOST:PORT,… (as many replicas)"),
            ]),
        Command(
            "direct", summary: "the connector's lookup query straight against its database by N workers",
            discussion: "Prints one JSON line with ops/s and latency percentiles.",
            options: [
                .value("connector", "FILE", help: "the connector's registry file", required: true),
                .value("keys", "FILE", help: "lookup keys, one a line", required: true),
                .value("connections", "N", help: "concurrent workers", format: .positiveInteger, required: true),
                .value("seconds", "S", help: "how long to run", format: seconds, required: true),
                .value("data-dir", "DIR", help: "the data directory holding a SQLite database"),
                .value("url", "URL", help: "the PostgreSQL database"),
            ]),
        Command(
            "pg-insert", summary: "audit-sized rows into lienthong.audit_records, one per commit, by N workers",
            discussion: "synchronous_commit on; prints one JSON line (direct-pg-insert) with rows/s and percentiles.",
            options: [
                .value("url", "URL", help: "the PostgreSQL database (its node tables made by a node)", required: true),
                .value("connections", "N", help: "concurrent workers", format: .positiveInteger, required: true),
                .value("seconds", "S", help: "how long to run", format: seconds, required: true),
            ]),
        Command(
            "federation-scale", summary: "generate, sign and measure a national-scale global configuration",
            discussion: "Prints one JSON line: size (raw, gzip), verify and parse time, the diff to the version before.",
            options: [
                .value("schemas", "DIR", help: "the schemas directory", required: true),
                .value("members", "N", help: "members (default: 63)", format: .positiveInteger),
                .value("services", "N", help: "services across them (default: 5000)", format: .positiveInteger),
                .value("out", "DIR", help: "also write both versions there"),
            ]),
        Command(
            "messages", summary: "signed 1 KiB documents sent by N senders; send to delivery receipt stored",
            discussion: "Prints one JSON line (SCENARIO) with messages/s and latency percentiles.",
            options: [
                .value("url", "URL", help: "the node's plain HTTP base URL", required: true),
                .value("data-dir", "DIR", help: "the node's data directory (client key, token)", required: true),
                .value("scenario", "NAME", help: "the result's scenario name", required: true),
                .value("senders", "N", help: "concurrent senders", format: .positiveInteger, required: true),
                .value("seconds", "S", help: "how long to send", format: seconds, required: true),
                .value(
                    "pool", "N", help: "documents signed before the clock starts (default: 3000 a second, 4000 at least)",
                    format: .positiveInteger),
            ]),
        Command(
            "jetstream-publish", summary: "acknowledged JetStream publishes of a document's bytes by N publishers",
            discussion: "libnats, replicas = servers; prints one JSON line (direct-jetstream-publish).",
            options: [
                .value("servers", "URLS", help: "nats://HOST:PORT,…", required: true),
                .value("data-dir", "DIR", help: "a node's data directory (to sign the document)", required: true),
                .value("senders", "N", help: "concurrent publishers", format: .positiveInteger, required: true),
                .value("seconds", "S", help: "how long to publish", format: seconds, required: true),
            ]),
        Command(
            "report", summary: "JSON results and SVG chart; Markdown table on standard output",
            discussion: "Exit status 3 if a run is INVALID, 4 if the soak is not flat (the outputs are written).",
            options: [
                .value("runs", "FILE", help: "the runs, JSON Lines", required: true),
                .value("meta", "FILE", help: "the machine and run description", required: true),
                .value("json", "OUT", help: "where the JSON results go", required: true),
                .value("svg", "OUT", help: "where the chart goes", required: true),
                .value("crypto", "FILE", help: "signing throughput results to include"),
            ]),
        Command(
            "audit-stress", summary: "append audit records as fast as possible, printing each durable seq",
            discussion: "The audit crash-durability test kills it mid-run with SIGKILL.",
            arguments: [
                Positional("DB", help: "the audit database"),
                Positional("COUNT", help: "how many records to append"),
            ],
            options: [
                .value("key", "PEM", help: "the checkpoint signing key (with --cert)"),
                .value("cert", "PEM", help: "its certificate chain (with --key)"),
                .value("every", "N", help: "records between checkpoints (default: 1000)", format: .positiveInteger),
                .value("concurrency", "K", help: "concurrent writers (default: 8)", format: .positiveInteger),
            ]),
    ])

/// The value of a declared option that has a format of numbers, or `fallback`.
func number(_ arguments: Arguments, _ name: String, or fallback: Int = 0) -> Int {
    arguments.option(name).flatMap { Int($0) } ?? fallback
}

/// The value of a required option (the parser refused the command line without it).
func required(_ arguments: Arguments, _ name: String) -> String { arguments.option(name) ?? "" }

func run(_ arguments: Arguments) async throws {
    switch arguments.names[1] {
    case "free-port":
        print(try FreePort.find())
    case "fixtures":
        try Fixtures.write(
            seeds: required(arguments, "seeds"), upstreamRoot: required(arguments, "upstream-root"),
            out: required(arguments, "out"), largeMiB: number(arguments, "large-mib", or: 50)
        )
    case "prepare-config":
        try ConfigRewrite.apply(
            config: required(arguments, "config"), repo: required(arguments, "repo"),
            upstreamPort: number(arguments, "upstream-port"), plain: arguments.flag("plain"),
            auditOff: arguments.flag("audit-off"), postgresStorage: arguments.option("postgres-storage"),
            busServers: arguments.option("bus-servers")
        )
    case "direct":
        let target = try DirectLookup.Target(
            connectorFile: required(arguments, "connector"), dataDirectory: arguments.option("data-dir"),
            url: arguments.option("url")
        )
        let keys = try String(contentsOfFile: required(arguments, "keys"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        let line = try DirectLookup.run(
            target, keys: keys, connections: number(arguments, "connections"),
            seconds: Double(required(arguments, "seconds")) ?? 0)
        print(line.serializedString())
    case "pg-insert":
        let line = try AuditInsertRate.run(
            url: required(arguments, "url"), connections: number(arguments, "connections"),
            seconds: Double(required(arguments, "seconds")) ?? 0)
        print(line.serializedString())
    case "federation-scale":
        let line = try FederationScale.run(
            members: number(arguments, "members", or: 63), services: number(arguments, "services", or: 5000),
            schemas: required(arguments, "schemas"), out: arguments.option("out"))
        print(line.serializedString())
    case "messages":
        let seconds = Double(required(arguments, "seconds")) ?? 0
        let line = try await MessageLoad.run(
            url: required(arguments, "url"), dataDirectory: required(arguments, "data-dir"),
            scenario: required(arguments, "scenario"), senders: number(arguments, "senders"),
            seconds: seconds, pool: number(arguments, "pool", or: MessageLoad.defaultPool(seconds: seconds)))
        print(line.serializedString())
    case "jetstream-publish":
        let line = try await JetStreamPublishRate.run(
            servers: required(arguments, "servers").split(separator: ",").map(String.init),
            dataDirectory: required(arguments, "data-dir"), senders: number(arguments, "senders"),
            seconds: Double(required(arguments, "seconds")) ?? 0)
        print(line.serializedString())
    case "report":
        let report = try Report.load(
            runs: required(arguments, "runs"), meta: required(arguments, "meta"), crypto: arguments.option("crypto")
        )
        try Data(report.json().serializedBytes(pretty: true) + [0x0A]).write(
            to: URL(fileURLWithPath: required(arguments, "json"))
        )
        try Data(Chart.svg(report).utf8).write(to: URL(fileURLWithPath: required(arguments, "svg")))
        print(report.markdown(), terminator: "")
        // Outputs are written either way; the status tells bench/run what to exit with.
        if report.invalidCount > 0 { exit(3) }
        if report.soakVerdict?.flat == false { exit(4) }
    default:
        guard let count = Int(arguments.positional[1]), count > 0 else {
            throw UsageError(.invalidValue, "COUNT: \"\(arguments.positional[1])\" is not a positive integer")
        }
        try await AuditStress.run(
            path: arguments.positional[0], count: count, key: arguments.option("key"),
            certificate: arguments.option("cert"), every: number(arguments, "every", or: 1000),
            concurrency: number(arguments, "concurrency", or: 8))
    }
}

await tool.main { arguments in
    try await run(arguments)
    return 0
}
