import Foundation

/// The `debug` line of one call to a registry's back end.
struct UpstreamCallLogEntry: LogEntry {
    var time: Date
    var requestID: String?
    var call: RequestTrace.UpstreamCall

    var level: LogLevel { .debug }

    func fields(into line: inout LogLine) {
        line.field("event", "upstream")
        line.field("requestId", requestID ?? "-")
        line.field("registry", call.registry)
        line.field("ms", milliseconds: call.duration)
        line.field("code", call.code ?? "ok")
    }
}
