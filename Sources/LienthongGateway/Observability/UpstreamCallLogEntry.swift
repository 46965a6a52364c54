import Foundation
import LienthongJSON

/// The `debug` line of one call to a registry's back end.
struct UpstreamCallLogEntry: LogEntry {
    var time: Date
    var requestID: String?
    var call: RequestTrace.UpstreamCall

    var level: LogLevel { .debug }

    func members() -> [(key: String, value: JSONValue)] {
        [
            ("event", "upstream"), ("requestId", .string(requestID ?? "-")), ("registry", .string(call.registry)),
            ("ms", AccessLogEntry.milliseconds(call.duration)), ("code", .string(call.code ?? "ok")),
        ]
    }
}
