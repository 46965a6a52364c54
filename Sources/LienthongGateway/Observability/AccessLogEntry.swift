import Foundation

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

    func fields(into line: inout LogLine) {
        line.field("event", "request")
        line.field("requestId", requestID ?? "-")
        line.field("method", method)
        line.field("route", route)
        line.field("consumer", consumer ?? "-")
        line.field("registry", registries.isEmpty ? "-" : registries.joined(separator: ","))
        line.field("subject", subjectHMAC ?? "-")
        line.field("status", status)
        line.field("problem", problem ?? "-")
        line.field("latencyMs", milliseconds: latency)
        line.field("upstreamMs", milliseconds: upstream)
        line.field("bytesIn", bytesIn)
        line.field("bytesOut", bytesOut)
    }
}
