import Foundation
import LienthongJSON

/// The `info` line of one answered request: who asked which route of which registry, how it ended, how long it
/// took and how much it moved. Keys of records appear only as the audit log's subject HMAC.
struct AccessLogEntry: LogEntry {
    var time: Date
    /// The `Lienthong-Request-Id` the response carries, if any.
    var requestID: String?
    var method: String
    /// The route template (`/v1/records/{registry}/{key}`), never the path: the path may hold a personal ID.
    var route: String
    var consumer: String?
    var registries: [String]
    var subjectHMAC: String?
    var status: Int
    /// The problem `code`, if the answer is a problem.
    var problem: String?
    var latency: Duration
    /// The longest call to a registry's back end (a profile's calls overlap).
    var upstream: Duration?
    var bytesIn: Int
    var bytesOut: Int

    var level: LogLevel { .info }

    func members() -> [(key: String, value: JSONValue)] {
        [
            ("event", "request"), ("requestId", .string(requestID ?? "-")), ("method", .string(method)),
            ("route", .string(route)), ("consumer", .string(consumer ?? "-")),
            ("registry", .string(registries.isEmpty ? "-" : registries.joined(separator: ","))),
            ("subject", .string(subjectHMAC ?? "-")), ("status", .number(JSONNumber(status))),
            ("problem", .string(problem ?? "-")), ("latencyMs", Self.milliseconds(latency)),
            ("upstreamMs", upstream.map(Self.milliseconds) ?? .null), ("bytesIn", .number(JSONNumber(bytesIn))),
            ("bytesOut", .number(JSONNumber(bytesOut))),
        ]
    }

    /// Milliseconds to the microsecond, e.g. `0.412`.
    static func milliseconds(_ duration: Duration) -> JSONValue {
        .number(JSONNumber(Double(duration.wholeMicroseconds) / 1000))
    }
}
