import Foundation
import LienthongCore
import LienthongJSON

/// A line waiting for the ``LogWriter``: its level, when it happened, and its members, which the writer thread
/// formats (so the request path only fills a value).
protocol LogEntry: Sendable {
    /// The line's level; `warn` and `error` go to standard error, the rest to standard output.
    var level: LogLevel { get }
    /// When it happened.
    var time: Date { get }
    /// What the line says after `time` and `level`, in order; identifiers and codes only, never personal data.
    func members() -> [(key: String, value: JSONValue)]
}

extension LogEntry {
    /// The JSON line, newline included: `{"time":"2026-12-06T16:20:00.123Z","level":"info",…}`.
    func line() -> [UInt8] {
        let head: [(key: String, value: JSONValue)] = [
            ("time", .string(Timestamp.rfc3339(time, milliseconds: true))), ("level", .string(level.rawValue)),
        ]
        return JSONValue.serializedObject(orderedMembers: head + members()) + [UInt8(ascii: "\n")]
    }
}
