import Foundation

/// A `warn` line of the change publisher: a registry whose changes could not be read or published now (it is tried
/// again at the next poll).
struct EventLogEntry: LogEntry {
    var time: Date
    /// The registry concerned.
    var registry: String
    /// The error's code and detail: ids and codes only.
    var detail: String

    var level: LogLevel { .warn }

    func fields(into line: inout LogLine) {
        line.field("event", "change-events-failed")
        line.field("registry", registry)
        line.field("detail", detail)
    }
}

extension GatewayNode {
    /// Writes a publisher failure on the operator log, when the level lets warnings through.
    func report(_ registry: String, _ detail: String) {
        guard let logWriter, logWriter.level.logs(.warn) else { return }
        logWriter.write(EventLogEntry(time: Date(), registry: registry, detail: detail))
    }
}
