import Foundation

/// The writer's own notice that its queue was full and lines were lost.
struct DroppedLinesLogEntry: LogEntry {
    var time: Date
    var count: Int
    var level: LogLevel { .warn }

    func fields(into line: inout LogLine) {
        line.field("event", "log-lines-dropped")
        line.field("count", count)
    }
}
