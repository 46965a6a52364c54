import LienthongCommandLine
import Testing

/// ``Command/parse(_:)`` against a small declared tool: what runs, what asks for help, what is refused and why.
struct CommandParseTests {
    static let tool = Command(
        "tool", summary: "a tool",
        subcommands: [
            Command(
                "serve", summary: "serve",
                options: [
                    .value("listen", "HOST:PORT", help: "where", format: .oneOf(["127.0.0.1:1", "127.0.0.1:2"])),
                    .value("config", "DIR", help: "configuration"),
                ]),
            Command(
                "audit", summary: "audit",
                subcommands: [
                    Command(
                        "verify", summary: "verify",
                        arguments: [Positional("DB", help: "database")],
                        options: [
                            .repeated("trust-anchor", "PEM", help: "anchor", required: true),
                            .flag("json", help: "as JSON"),
                            .value("max", "N", help: "limit", format: .positiveInteger),
                        ]),
                    Command(
                        "export", summary: "export",
                        arguments: [Positional("FILE", help: "files", required: false, repeating: true)]),
                ]),
            Command("version", aliases: ["--version"], summary: "version"),
        ])

    func run(_ words: [String]) throws -> Arguments {
        guard case .run(let arguments) = Self.tool.parse(words) else {
            Issue.record("\(words) does not run: \(Self.tool.parse(words))")
            throw UsageError("no run")
        }
        return arguments
    }

    func refusal(_ words: [String]) -> (error: UsageError, names: [String])? {
        guard case .refused(let error, let path) = Self.tool.parse(words) else { return nil }
        return (error, path.map(\.name))
    }

    func helpPath(_ words: [String]) -> [String]? {
        guard case .help(let path) = Self.tool.parse(words) else { return nil }
        return path.map(\.name)
    }

    @Test func optionsAndArgumentsInAnyOrderWithEqualsAndRepeats() throws {
        let arguments = try run([
            "audit", "verify", "--trust-anchor", "a.pem", "db.sqlite", "--json", "--trust-anchor=b.pem", "--max=3",
        ])
        #expect(arguments.names == ["tool", "audit", "verify"])
        #expect(arguments.subcommand == "verify")
        #expect(arguments.positional == ["db.sqlite"])
        #expect(arguments.values("trust-anchor") == ["a.pem", "b.pem"])
        #expect(arguments.option("trust-anchor") == "b.pem")
        #expect(arguments.flag("json"))
        #expect(arguments.option("max") == "3")
    }

    @Test func afterDoubleDashAndDashAloneWordsArePositional() throws {
        let arguments = try run(["audit", "export", "-", "--", "--json", "-h"])
        #expect(arguments.positional == ["-", "--json", "-h"])
    }

    @Test func aliasSelectsTheCommand() throws {
        #expect(try run(["--version"]).names == ["tool", "version"])
    }

    @Test(arguments: [
        (["--help"], ["tool"]), (["-h"], ["tool"]), ([], ["tool"]), (["audit", "--help"], ["tool", "audit"]),
        (["audit", "verify", "-h"], ["tool", "audit", "verify"]),
        (["serve", "--listn", "x", "--help"], ["tool", "serve"]),
        (["audit", "verify", "--help", "--no-such"], ["tool", "audit", "verify"]),
    ])
    func helpAnywhereBeforeDoubleDashWins(words: [String], path: [String]) {
        #expect(helpPath(words) == path)
    }

    @Test func unknownOptionIsNamedWithASuggestion() throws {
        let refused = try #require(refusal(["serve", "--listn", "127.0.0.1:1"]))
        #expect(refused.error.code == .unknownOption)
        #expect(refused.names == ["tool", "serve"])
        #expect(refused.error.description == "unknown option '--listn' (did you mean '--listen'?)")
        let far = try #require(refusal(["serve", "--frobnicate"]))
        #expect(far.error.description == "unknown option '--frobnicate'")
        #expect(refusal(["serve", "-x"])?.error.code == .unknownOption)
    }

    @Test func unknownCommandAndSubcommandAreNamed() throws {
        let command = try #require(refusal(["sevre"]))
        #expect(command.error.code == .unknownCommand)
        #expect(command.error.description == "unknown command 'sevre' (did you mean 'serve'?)")
        let subcommand = try #require(refusal(["audit", "verfy"]))
        #expect(subcommand.error.description == "unknown audit subcommand 'verfy' (did you mean 'verify'?)")
        #expect(subcommand.names == ["tool", "audit"])
        #expect(refusal(["audit"])?.error.code == .missingSubcommand)
        let early = try #require(refusal(["audit", "--json", "verify"]))
        #expect(early.error.code == .unknownOption)
        #expect(
            early.error.description == "unknown option '--json': options follow the audit subcommand (verify, export)")
    }

    @Test func badOrMissingValueNamesTheFlag() throws {
        let bad = try #require(refusal(["serve", "--listen", "abc"]))
        #expect(bad.error.code == .invalidValue)
        #expect(bad.error.description == "--listen: \"abc\" is not one of 127.0.0.1:1, 127.0.0.1:2")
        #expect(refusal(["audit", "verify", "db", "--trust-anchor", "a", "--max", "0"])?.error.code == .invalidValue)
        let missing = try #require(refusal(["serve", "--config"]))
        #expect(missing.error.code == .missingValue)
        #expect(missing.error.description == "--config: missing value DIR")
        #expect(refusal(["serve", "--config", "--listen", "127.0.0.1:1"])?.error.code == .missingValue)
        #expect(refusal(["audit", "verify", "db", "--trust-anchor", "a", "--json=yes"])?.error.code == .unexpectedValue)
    }

    @Test func requiredOptionsAndArgumentCountsAreChecked() throws {
        let noAnchor = try #require(refusal(["audit", "verify", "db"]))
        #expect(noAnchor.error.code == .missingOption)
        #expect(noAnchor.error.description == "missing --trust-anchor PEM...")
        #expect(refusal(["audit", "verify", "--trust-anchor", "a"])?.error.description == "missing DB")
        let extra = try #require(refusal(["audit", "verify", "db", "other", "--trust-anchor", "a"]))
        #expect(extra.error.code == .unexpectedArgument)
        #expect(extra.error.description == "unexpected argument 'other'")
        #expect(refusal(["serve", "stray"])?.error.code == .unexpectedArgument)
        #expect(try run(["audit", "export"]).positional.isEmpty)
        #expect(try run(["audit", "export", "a", "b", "c"]).positional == ["a", "b", "c"])
    }
}
