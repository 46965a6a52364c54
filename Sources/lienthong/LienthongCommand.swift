import LienthongCommandLine

/// A command of `lienthong`: its declaration (options, arguments, subcommands; usage and help come from it) and
/// what it does with a command line parsed against that declaration.
///
/// A new command is a type conforming to this protocol, listed in `main.swift`; a new option is one line in its
/// ``command`` declaration.
protocol LienthongCommand: Sendable {
    /// The command's declaration.
    static var command: Command { get }

    /// The command with its parsed arguments (or those of one of its subcommands).
    init(_ arguments: Arguments)

    /// Runs the command and returns the exit status: 0 success, 1 failure; usage errors are thrown.
    func run() async throws -> Int32
}
