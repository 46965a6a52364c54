import Foundation
import LienthongJSON

/// The `error` line of one failure: what failed, in which registry, its code and the underlying cause.
struct FailureLogEntry: LogEntry {
    var time: Date
    var requestID: String?
    var route: String
    var status: Int
    var failure: RequestTrace.Failure

    var level: LogLevel { .error }

    func members() -> [(key: String, value: JSONValue)] {
        [
            ("event", "failure"), ("requestId", .string(requestID ?? "-")), ("route", .string(route)),
            ("status", .number(JSONNumber(status))), ("failed", .string(failure.part.rawValue)),
            ("registry", .string(failure.registry ?? "-")), ("code", .string(failure.code)),
            ("cause", .string(failure.cause)),
        ]
    }
}
