import Foundation
import LienthongTesting
import Testing

/// The built `lienthong` binary: every command answers `--help` without side effects, unknown options and bad
/// values are refused with exit status 2 naming the option.
struct LienthongToolTests {
    /// Every command that runs, with the options its help must name.
    static let commands: [(path: [String], options: [String])] = [
        (["serve"], ["--config", "--data-dir", "--listen", "--admin-listen"]),
        (["config", "check"], ["--schemas"]),
        (["registry", "load-postgres"], ["--config", "--url", "--seeds"]),
        (["schema", "list"], ["--schemas", "--json"]),
        (["schema", "show"], ["--schemas"]),
        (["schema", "validate"], ["--schema", "--output", "--jsonl", "--json", "--schemas", "--allow-remote-refs"]),
        (["sign"], ["--key", "--cert", "--countersign"]),
        (["verify"], ["--trust-anchor", "--crl", "--at", "--max-bytes"]),
        (["keys", "generate"], ["--provider", "--alg", "--keys-dir"]),
        (["keys", "csr"], ["--provider", "--organization", "--out", "--keys-dir"]),
        (["keys", "import"], ["--provider", "--certificate", "--keys-dir"]),
        (["keys", "list"], ["--keys-dir"]),
        (["keys", "rotate"], ["--provider", "--keys-dir"]),
        (["pki", "init"], ["--provider", "--consumer"]),
        (["audit", "verify"], ["--trust-anchor"]),
        (["audit", "export"], ["--from", "--to", "--out"]),
        (["report"], ["--month", "--format", "--db"]),
        (["version"], []),
        (["help"], []),
    ]

    /// The commands that group subcommands, with them.
    static let groups: [(name: String, subcommands: [String])] = [
        ("config", ["check"]), ("registry", ["load-postgres"]), ("schema", ["list", "show", "validate"]),
        ("keys", ["generate", "csr", "import", "list", "rotate"]), ("pki", ["init"]), ("audit", ["verify", "export"]),
    ]

    /// A scratch directory: the tool runs in `cwd` with `LIENTHONG_DATA_DIR` at `data`, neither created by it.
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-tool-\(UUID().uuidString)")
    var cwd: URL { scratch.appendingPathComponent("cwd") }
    var data: URL { scratch.appendingPathComponent("data") }

    init() throws {
        try FileManager.default.createDirectory(at: cwd, withIntermediateDirectories: true)
    }

    /// How a run ended and what it wrote.
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs the binary; a run still going after 20 s (e.g. a gateway started by mistake) is killed and fails.
    func run(_ words: [String]) throws -> Run {
        let binary = Repository.executable("lienthong")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "no lienthong at \(binary.path)")
        let process = Process()
        process.executableURL = binary
        process.arguments = words
        process.currentDirectoryURL = cwd
        process.environment = ProcessInfo.processInfo.environment.merging(
            ["LIENTHONG_DATA_DIR": data.path], uniquingKeysWith: { $1 })
        let outputs = (
            stdout: scratch.appendingPathComponent("stdout"), stderr: scratch.appendingPathComponent("stderr")
        )
        for file in [outputs.stdout, outputs.stderr] {
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outputs.stdout)
        process.standardError = try FileHandle(forWritingTo: outputs.stderr)
        try process.run()
        Poll.blockingUntil(within: .seconds(20)) { !process.isRunning }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            Issue.record("lienthong \(words.joined(separator: " ")) still running after 20 s")
        }
        return Run(
            status: process.terminationStatus,
            stdout: try String(contentsOf: outputs.stdout, encoding: .utf8),
            stderr: try String(contentsOf: outputs.stderr, encoding: .utf8))
    }

    /// Nothing but the (empty) working directory and the last run's outputs in the scratch directory.
    func expectNoSideEffects(_ sourceLocation: SourceLocation = #_sourceLocation) throws {
        let made = try FileManager.default.contentsOfDirectory(atPath: scratch.path).sorted()
        #expect(made == ["cwd", "stderr", "stdout"], sourceLocation: sourceLocation)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cwd.path).isEmpty, sourceLocation: sourceLocation)
    }

    @Test(arguments: commands.map(\.path))
    func everyCommandAnswersHelpWithItsUsageAndOptions(path: [String]) throws {
        let options = try #require(Self.commands.first { $0.path == path }).options
        for words in [path + ["--help"], path + ["-h"], ["help"] + path] {
            let result = try run(words)
            #expect(result.status == 0, "\(words): \(result.stderr)")
            #expect(result.stderr.isEmpty, "\(words)")
            #expect(result.stdout.hasPrefix("usage: lienthong \(path.joined(separator: " "))"), "\(words)")
            for option in options + ["--help"] {
                let row = result.stdout.contains("  \(option) ") || result.stdout.contains(", \(option)")
                #expect(row, "\(words): no row for \(option)")
            }
        }
        try expectNoSideEffects()
    }

    @Test(arguments: groups.map(\.name))
    func everyGroupAnswersHelpWithItsSubcommands(name: String) throws {
        let subcommands = try #require(Self.groups.first { $0.name == name }).subcommands
        for words in [[name, "--help"], [name, "-h"], ["help", name]] {
            let result = try run(words)
            #expect(result.status == 0, "\(words): \(result.stderr)")
            #expect(result.stdout.hasPrefix("usage: lienthong \(name) <subcommand>"), "\(words)")
            for subcommand in subcommands { #expect(result.stdout.contains("\n  \(subcommand) "), "\(words)") }
        }
        let missing = try run([name])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("\(name) needs a subcommand"))
        try expectNoSideEffects()
    }

    @Test func toolHelpListsEveryCommandWithItsSummary() throws {
        for words in [["--help"], ["-h"], ["help"], []] {
            let result = try run(words)
            #expect(result.status == 0, "\(words)")
            #expect(result.stdout.hasPrefix("usage: lienthong <command>"))
            for command in Self.commands {
                #expect(result.stdout.contains("\n  \(command.path.joined(separator: " "))  "), "\(command.path)")
            }
        }
        let unknown = try run(["help", "sevre"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("unknown command 'sevre' (did you mean 'serve'?)"))
    }

    /// `serve --help` with everything needed to start: prints its usage and exits, no listener, no data directory.
    @Test func serveHelpDoesNotStartTheGateway() throws {
        let config = Repository.root.appendingPathComponent("config/demo").path
        for help in ["--help", "-h"] {
            let result = try run(
                ["serve", "--config", config, "--data-dir", data.path, "--listen", "127.0.0.1:0", help])
            #expect(result.status == 0)
            #expect(result.stdout.hasPrefix("usage: lienthong serve [--config DIR] [--data-dir DIR] [--listen HOST:"))
            #expect(!FileManager.default.fileExists(atPath: data.path))
        }
        let pki = scratch.appendingPathComponent("pki").path
        #expect(try run(["pki", "init", pki, "--provider", "VN/GOV/X", "--help"]).status == 0)
        #expect(try run(["keys", "generate", "--provider", "VN/GOV/X", "--help"]).status == 0)
        try expectNoSideEffects()
    }

    @Test(arguments: commands.map(\.path))
    func unknownOptionExitsTwoNamingIt(path: [String]) throws {
        let result = try run(path + ["--no-such-option"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("lienthong: unknown option '--no-such-option'\n"), "\(result.stderr)")
        #expect(result.stderr.contains("usage: lienthong \(path.joined(separator: " "))"))
        #expect(result.stdout.isEmpty)
        try expectNoSideEffects()
    }

    /// The old parser ignored `--listn` and started the gateway with its defaults.
    @Test func misspelledOptionIsRefusedWithASuggestion() throws {
        let config = Repository.root.appendingPathComponent("config/demo").path
        let result = try run(["serve", "--config", config, "--data-dir", data.path, "--listn", "127.0.0.1:0"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("lienthong: unknown option '--listn' (did you mean '--listen'?)"))
        #expect(!FileManager.default.fileExists(atPath: data.path))
    }

    /// With a configuration that loads, the old parser let `load` report the flag as `node.json#/listen`, after it
    /// had created the data directory.
    @Test func badListenIsNamedAsTheFlagBeforeAnythingIsCreated() throws {
        let config = Repository.root.appendingPathComponent("config/demo").path
        let result = try run(["serve", "--config", config, "--data-dir", data.path, "--listen", "abc"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix(#"lienthong: --listen: "abc" is not host:port"#), "\(result.stderr)")
        #expect(!result.stderr.contains("node.json"))
        #expect(!FileManager.default.fileExists(atPath: data.path))
    }

    @Test(arguments: [
        (["serve", "--listen", "abc"], #"--listen: "abc" is not host:port"#),
        (["serve", "--listen=127.0.0.1:99999"], #"--listen: "127.0.0.1:99999" is not host:port"#),
        (["serve", "--listen"], "--listen: missing value HOST:PORT"),
        (["report", "--month", "2026-13"], #"--month: "2026-13" is not a month YYYY-MM"#),
        (["report", "--month", "2026-11", "--format", "xml"], #"--format: "xml" is not one of csv, json"#),
        (["verify", "e.json", "--trust-anchor", "a.pem", "--at", "yesterday"], #"--at: "yesterday" is not an RFC"#),
        (["verify", "e.json", "--trust-anchor", "a.pem", "--max-bytes", "0"], #"--max-bytes: "0" is not a positive"#),
        (["verify", "e.json"], "missing --trust-anchor PEM..."),
        (["audit", "export", "--from", "soon"], #"--from: "soon" is not an RFC 3339"#),
        (["schema", "validate", "--schema", "person.v1", "--output", "verbose", "-"], #"--output: "verbose" is not"#),
        (["keys", "generate", "--provider", "VN/GOV/X", "--alg", "HS256"], #"--alg: "HS256" is not one of ES256"#),
        (["keys", "rotate", "--provider", ""], #"--provider: "" is not a non-empty value"#),
        (["sign", "m.json", "--key", "k.pem", "--cert"], "--cert: missing value PEM"),
        (["pki", "init"], "missing DIR"),
        (["pki", "init", "a", "b"], "unexpected argument 'b'"),
        (["schema", "list", "--json=yes"], "--json takes no value"),
    ])
    func badValueExitsTwoNamingTheFlag(words: [String], message: String) throws {
        let result = try run(words)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("lienthong: \(message)"), "\(result.stderr)")
        #expect(!result.stderr.contains("node.json"))
        try expectNoSideEffects()
    }
}
