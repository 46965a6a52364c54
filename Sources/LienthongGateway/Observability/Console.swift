import Foundation

/// Lines for the operator on standard output and standard error, written at once (unbuffered).
///
/// A closed pipe or terminal must not stop the node: `FileHandle.write(_:)` traps on `EPIPE`, which at shutdown
/// would kill the process before the audit log is flushed, so these writes drop the line instead.
enum Console {
    /// Writes `text` and a newline to standard output.
    static func say(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8))
    }

    /// Writes `text` and a newline to standard error.
    static func warn(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data((text + "\n").utf8))
    }
}
