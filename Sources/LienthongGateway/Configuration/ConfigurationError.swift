/// A configuration that cannot be loaded: which file, where in it, and what is wrong.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, relative to the configuration directory.
    public var file: String
    /// The JSON Pointer inside the file, if known.
    public var pointer: String?
    /// What is wrong.
    public var message: String

    public init(file: String, pointer: String? = nil, message: String) {
        self.file = file
        self.pointer = pointer
        self.message = message
    }

    public var description: String {
        if let pointer, !pointer.isEmpty { return "\(file)#\(pointer): \(message)" }
        return "\(file): \(message)"
    }
}

/// A configuration with problems, each named by file and JSON Pointer; `serve` refuses to start on it.
public struct InvalidConfiguration: Error, Sendable, CustomStringConvertible {
    /// Every problem found.
    public var problems: [ConfigurationError]

    public var description: String {
        "invalid configuration (\(problems.count) problem\(problems.count == 1 ? "" : "s")):\n"
            + problems.map { "  \($0)" }.joined(separator: "\n")
    }
}
