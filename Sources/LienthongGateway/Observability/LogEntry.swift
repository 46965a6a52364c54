import Foundation

/// A line waiting for the ``LogWriter``: its level, when it happened, and its fields, which the writer thread
/// formats (so the request path only fills a value).
protocol LogEntry: Sendable {
    /// The line's level; `warn` and `error` go to standard error, the rest to standard output.
    var level: LogLevel { get }
    /// When it happened.
    var time: Date { get }
    /// Writes what the line says after `time` and `level`, in order; identifiers and codes only, never personal data.
    func fields(into line: inout LogLine)
}

extension LogEntry {
    /// The JSON line, newline included: `{"time":"2026-12-06T16:20:00.123Z","level":"info",…}`.
    func line() -> [UInt8] {
        var line = LogLine(time: time, level: level)
        fields(into: &line)
        return line.finished()
    }
}
