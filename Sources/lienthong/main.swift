import Foundation
import LienthongCommandLine
import LienthongGateway

// lienthong: the gateway's command-line tool. Exit status: 0 success, 1 failure, 2 usage error.

let commands: [any LienthongCommand.Type] = [
    ServeCommand.self, ConfigCheckCommand.self, RegistryCommand.self, SchemaCommand.self, SignCommand.self,
    VerifyCommand.self, KeysCommand.self, PKICommand.self, AuditCommand.self, ReportCommand.self, ReloadCommand.self,
    MessagesCommand.self,
    FederationCommand.self,
]

let tool = Command(
    "lienthong", summary: "the Lienthong inter-agency data-exchange gateway and its offline tools",
    subcommands: commands.map { $0.command } + [
        Command("version", aliases: ["--version"], summary: "print the version"),
        Command(
            "help", summary: "print the help of the tool, a command or a subcommand",
            arguments: [
                Positional("COMMAND", help: "the command to describe", required: false),
                Positional("SUBCOMMAND", help: "its subcommand", required: false),
            ]),
    ])

await tool.main { arguments in
    switch arguments.names[1] {
    case "version":
        print("lienthong \(Gateway.version)")
        return 0
    case "help":
        switch tool.parse(arguments.positional + ["--help"]) {
        case .help(let path): print(Command.help(path: path))
        case .refused(let error, _): throw error
        case .run: preconditionFailure("--help asks for help")
        }
        return 0
    default:
        let type = commands.first { $0.command.name == arguments.names[1] }!
        return try await type.init(arguments).run()
    }
}
