import Foundation

// lienthong-bench: the Swift half of bench/run. The shell script starts processes and drives wrk;
// this tool does what needs JSON: fixtures, configuration rewriting, a free port, the report; and the direct
// database baselines of the per-connector-kind comparison.

let usage = """
    usage: lienthong-bench <command> [options]
      free-port                                  print a free TCP port on 127.0.0.1
      fixtures --seeds DIR --upstream-root DIR --out DIR [--large-mib N]
                                                 upstream files (one per parcel) and request path lists
      prepare-config --config DIR --repo DIR --upstream-port PORT [--plain] [--audit-off]
                                                 rewrite a copy of config/demo in place for the benchmark
      direct --connector FILE --keys FILE --connections N --seconds S [--data-dir DIR] [--url URL]
                                                 the connector's lookup query straight against its database
                                                 (SQLite file under DIR, or PostgreSQL at URL) by N workers;
                                                 one JSON line with ops/s and latency percentiles
      report --runs FILE --meta FILE --json OUT --svg OUT [--crypto FILE]
                                                 JSON results, SVG chart; Markdown table on stdout;
                                                 exit 3 if a run is INVALID, 4 if the soak is not flat
    """

/// A failure the tool reports on standard error before exiting with status 1.
struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `--name value` options after the command.
struct Options {
    private var values: [String: String] = [:]
    private var flags: Set<String> = []

    init(_ arguments: ArraySlice<String>, flags known: Set<String> = []) throws {
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            guard argument.hasPrefix("--") else { throw BenchError("unexpected argument \(argument)") }
            let name = String(argument.dropFirst(2))
            if known.contains(name) {
                flags.insert(name)
            } else {
                guard let value = iterator.next() else { throw BenchError("\(argument) needs a value") }
                values[name] = value
            }
        }
    }

    func required(_ name: String) throws -> String {
        guard let value = values[name] else { throw BenchError("--\(name) is required") }
        return value
    }

    func optional(_ name: String) -> String? { values[name] }

    func flag(_ name: String) -> Bool { flags.contains(name) }
}

let arguments = CommandLine.arguments
do {
    guard arguments.count >= 2 else { throw BenchError(usage) }
    let rest = arguments.dropFirst(2)
    switch arguments[1] {
    case "free-port":
        print(try FreePort.find())
    case "fixtures":
        let options = try Options(rest)
        try Fixtures.write(
            seeds: try options.required("seeds"), upstreamRoot: try options.required("upstream-root"),
            out: try options.required("out"), largeMiB: Int(options.optional("large-mib") ?? "50") ?? 50
        )
    case "prepare-config":
        let options = try Options(rest, flags: ["plain", "audit-off"])
        guard let port = Int(try options.required("upstream-port")) else { throw BenchError("--upstream-port: not a number") }
        try ConfigRewrite.apply(
            config: try options.required("config"), repo: try options.required("repo"), upstreamPort: port,
            plain: options.flag("plain"), auditOff: options.flag("audit-off")
        )
    case "direct":
        let options = try Options(rest)
        let target = try DirectLookup.Target(
            connectorFile: try options.required("connector"), dataDirectory: options.optional("data-dir"),
            url: options.optional("url")
        )
        let keys = try String(contentsOfFile: try options.required("keys"), encoding: .utf8)
            .split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        guard let connections = Int(try options.required("connections")), let seconds = Double(try options.required("seconds"))
        else { throw BenchError("--connections and --seconds take numbers") }
        let line = try DirectLookup.run(target, keys: keys, connections: connections, seconds: seconds)
        print(line.serializedString())
    case "report":
        let options = try Options(rest)
        let report = try Report.load(
            runs: try options.required("runs"), meta: try options.required("meta"), crypto: options.optional("crypto")
        )
        try Data(report.json().serializedBytes(pretty: true) + [0x0A]).write(
            to: URL(fileURLWithPath: try options.required("json"))
        )
        try Data(Chart.svg(report).utf8).write(to: URL(fileURLWithPath: try options.required("svg")))
        print(report.markdown(), terminator: "")
        // Outputs are written either way; the status tells bench/run what to exit with.
        if report.invalidCount > 0 { exit(3) }
        if report.soakVerdict?.flat == false { exit(4) }
    case "-h", "--help", "help":
        print(usage)
    default:
        throw BenchError("unknown command \(arguments[1])\n\(usage)")
    }
} catch {
    FileHandle.standardError.write(Data("lienthong-bench: \(error)\n".utf8))
    exit(1)
}
