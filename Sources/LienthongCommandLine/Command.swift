/// A command of a command-line tool, declared once: its name, what it does, its arguments and options, or the
/// subcommands it groups. The parser (``Command/parse(_:)``) and the help text (``Command/help(path:)``) are both
/// generated from this value, so an option cannot be accepted without being documented, or the other way round.
///
/// ```swift
/// let serve = Command(
///     "serve", summary: "start the gateway",
///     options: [.value("listen", "HOST:PORT", help: "address to listen on", format: .hostPort)])
/// let tool = Command("lienthong", summary: "the gateway's tool", subcommands: [serve])
/// ```
public struct Command: Sendable {
    /// The word that selects the command, e.g. `serve`.
    public let name: String
    /// Other words that select it, e.g. `--version` for `version`; not shown in help.
    public let aliases: [String]
    /// One line, lower case, no final period: shown in the parent's list and under the usage line.
    public let summary: String
    /// Paragraphs shown in the command's own help after the summary (defaults, exit status).
    public let discussion: String
    /// Positional arguments in order.
    public let arguments: [Positional]
    /// Options in the order the usage line shows them.
    public let options: [Option]
    /// Subcommands; a command with subcommands runs only through one of them.
    public let subcommands: [Command]

    /// Declares a command.
    public init(
        _ name: String, aliases: [String] = [], summary: String, discussion: String = "",
        arguments: [Positional] = [], options: [Option] = [], subcommands: [Command] = []
    ) {
        self.name = name
        self.aliases = aliases
        self.summary = summary
        self.discussion = discussion
        self.arguments = arguments
        self.options = options
        self.subcommands = subcommands
    }

    /// The option declared as `--name`, if any.
    public func option(named name: String) -> Option? { options.first { $0.name == name } }

    /// The subcommand selected by `word` (its name or an alias), if any.
    public func subcommand(_ word: String) -> Command? {
        subcommands.first { $0.name == word || $0.aliases.contains(word) }
    }
}
