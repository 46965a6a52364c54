/// A command line that cannot be run; the tool prints the message and the command's usage and exits with status 2.
public struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why the command line was refused, stable for tests and scripts.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String {
            case unknownCommand = "cli.unknown-command"
            case missingSubcommand = "cli.missing-subcommand"
            case unknownOption = "cli.unknown-option"
            case missingValue = "cli.missing-value"
            case unexpectedValue = "cli.unexpected-value"
            case invalidValue = "cli.invalid-value"
            case missingOption = "cli.missing-option"
            case missingArgument = "cli.missing-argument"
            case unexpectedArgument = "cli.unexpected-argument"
            case invalid = "cli.invalid"
        }
        private let kind: Kind

        /// No command or subcommand by that name.
        public static let unknownCommand = Code(kind: .unknownCommand)
        /// A command that groups subcommands was given none.
        public static let missingSubcommand = Code(kind: .missingSubcommand)
        /// An option the command does not declare.
        public static let unknownOption = Code(kind: .unknownOption)
        /// An option that takes a value came last, or before another option.
        public static let missingValue = Code(kind: .missingValue)
        /// A flag given a value (`--json=yes`).
        public static let unexpectedValue = Code(kind: .unexpectedValue)
        /// A value that does not have its option's format.
        public static let invalidValue = Code(kind: .invalidValue)
        /// A required option is missing.
        public static let missingOption = Code(kind: .missingOption)
        /// A required positional argument is missing.
        public static let missingArgument = Code(kind: .missingArgument)
        /// More positional arguments than the command takes.
        public static let unexpectedArgument = Code(kind: .unexpectedArgument)
        /// Refused by the command itself after parsing (e.g. a file it cannot read).
        public static let invalid = Code(kind: .invalid)

        /// The code as text, e.g. `cli.unknown-option`.
        public var description: String { kind.rawValue }
    }

    /// Why.
    public let code: Code
    /// For people: names the option or argument and the word refused; no file contents.
    public let description: String

    /// An error of `code`.
    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }

    /// A refusal by a command after parsing (code ``Code/invalid``).
    public init(_ description: String) { self.init(.invalid, description) }

    /// Errors are equal when their codes are; the wording may change.
    public static func == (left: UsageError, right: UsageError) -> Bool { left.code == right.code }
}
