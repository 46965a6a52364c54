/// A configuration that cannot be loaded: which file, where in it, and what is wrong.
///
/// Printed as `file#/pointer: message`, or `file:line:column: message` where the problem has a position in the
/// text (a JSON syntax error); `config check` and `serve` print the same lines.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, relative to the configuration directory.
    public var file: String
    /// The JSON Pointer inside the file, if known.
    public var pointer: String?
    /// The 1-based line and column in the file's text, for problems found while parsing it.
    public var position: (line: Int, column: Int)?
    /// What is wrong.
    public var message: String

    /// Creates a problem report.
    public init(file: String, pointer: String? = nil, position: (line: Int, column: Int)? = nil, message: String) {
        self.file = file
        self.pointer = pointer
        self.position = position
        self.message = message
    }

    /// `file:line:column: message`, `file#/pointer: message` or `file: message`.
    public var description: String {
        if let position { return "\(file):\(position.line):\(position.column): \(message)" }
        if let pointer, !pointer.isEmpty { return "\(file)#\(pointer): \(message)" }
        return "\(file): \(message)"
    }

    /// Problems are equal when they say the same thing about the same place.
    public static func == (left: Self, right: Self) -> Bool { left.description == right.description }
}

/// A configuration with problems, each named by file and JSON Pointer; `serve` refuses to start on it.
public struct InvalidConfiguration: Error, Sendable, CustomStringConvertible {
    /// Every problem found.
    public var problems: [ConfigurationError]

    /// Wraps the problems found.
    public init(problems: [ConfigurationError]) { self.problems = problems }

    /// One line per problem, after a count.
    public var description: String {
        "invalid configuration (\(problems.count) problem\(problems.count == 1 ? "" : "s")):\n"
            + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}
