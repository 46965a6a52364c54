import Foundation

/// Lines for the operator on standard output and standard error, written at once (unbuffered).
///
/// A closed pipe or terminal must not stop the node: `FileHandle.write(_:)` traps on `EPIPE`, which at shutdown
/// would kill the process before the audit log is flushed, so these writes drop the line instead.
enum Console {
    /// One of the process's two output streams.
    enum Stream: Sendable {
        case standardOutput, standardError
    }

    /// Writes `text` and a newline to standard output.
    static func say(_ text: String) {
        write(Array((text + "\n").utf8), to: .standardOutput)
    }

    /// Writes `text` and a newline to standard error.
    static func warn(_ text: String) {
        write(Array((text + "\n").utf8), to: .standardError)
    }

    /// Writes `bytes` as they are to `stream`; dropped if the stream is gone.
    @Sendable static func write(_ bytes: [UInt8], to stream: Stream) {
        let handle = stream == .standardOutput ? FileHandle.standardOutput : FileHandle.standardError
        try? handle.write(contentsOf: Data(bytes))
    }
}
