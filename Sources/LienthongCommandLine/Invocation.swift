/// What a command line asks for, as ``Command/parse(_:)`` reads it.
public enum Invocation: Sendable {
    /// Run the command with these arguments.
    case run(Arguments)
    /// Print the help of the last command of the path (from the tool down) and exit 0.
    case help([Command])
    /// Refuse: print the error and the usage of the last command of the path, and exit 2.
    case refused(UsageError, [Command])
}
