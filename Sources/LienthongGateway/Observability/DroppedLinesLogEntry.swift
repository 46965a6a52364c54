import Foundation
import LienthongJSON

/// The writer's own notice that its queue was full and lines were lost.
struct DroppedLinesLogEntry: LogEntry {
    var time: Date
    var count: Int
    var level: LogLevel { .warn }

    func members() -> [(key: String, value: JSONValue)] {
        [("event", "log-lines-dropped"), ("count", .number(JSONNumber(count)))]
    }
}
