import LienthongCommandLine
import Testing

/// Usage and help text generated from the declarations.
struct CommandHelpTests {
    let tool = CommandParseTests.tool

    @Test func usageLineWritesRequiredPartsBareAndOptionalOnesInBrackets() throws {
        let audit = try #require(tool.subcommand("audit"))
        let verify = try #require(audit.subcommand("verify"))
        let usage = Command.usage(path: [tool, audit, verify])
        #expect(usage == "usage: tool audit verify DB --trust-anchor PEM... [--json] [--max N]")
        let export = try #require(audit.subcommand("export"))
        #expect(Command.usage(path: [tool, audit, export]) == "usage: tool audit export [FILE...]")
        #expect(Command.usage(path: [tool, audit]) == "usage: tool audit <subcommand> [options]")
    }

    @Test func helpListsEveryArgumentAndOption() throws {
        let audit = try #require(tool.subcommand("audit"))
        let help = Command.help(path: [tool, audit, try #require(audit.subcommand("verify"))])
        #expect(help.hasPrefix("usage: tool audit verify DB"))
        let rows = ["  DB ", "  --trust-anchor PEM... ", "anchor (required)", "  --json ", "  --max N ", "  -h, --help"]
        for row in rows {
            #expect(help.contains(row), "no \(row) in\n\(help)")
        }
    }

    @Test func groupHelpListsEveryCommandThatRunsWithItsSummary() {
        let help = Command.help(path: [tool])
        #expect(help.hasPrefix("usage: tool <command> [options]"))
        for row in ["  serve ", "  audit verify ", "  audit export ", "  version "] {
            #expect(help.contains(row), "no \(row) in\n\(help)")
        }
        #expect(!help.contains("--version"))
    }

    @Test func longUsageWrapsUnderTheCommand() {
        let options = (1...12).map { Option.value("option-\($0)", "VALUE", help: "one") }
        let long = Command("long", summary: "long", options: options)
        let lines = Command.usage(path: [tool, long]).split(separator: "\n")
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.count <= 100 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(String(repeating: " ", count: "usage: tool long ".count)) })
    }
}
