import Foundation

/// The `error` line of one failure: what failed, in which registry, its code and the underlying cause.
struct FailureLogEntry: LogEntry {
    var time: Date
    var requestID: String?
    var route: String
    var status: Int
    var failure: RequestTrace.Failure

    var level: LogLevel { .error }

    func fields(into line: inout LogLine) {
        line.field("event", "failure")
        line.field("requestId", requestID ?? "-")
        line.field("route", route)
        line.field("status", status)
        line.field("failed", failure.part.rawValue)
        line.field("registry", failure.registry ?? "-")
        line.field("code", failure.code)
        line.field("cause", failure.cause)
    }
}
