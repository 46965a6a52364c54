import Foundation
public import LienthongJSON

/// The monthly exchange report: pure aggregation of audit records.
///
/// ```swift
/// let month = AuditMonth("2026-11")!
/// let report = AuditReport.monthly(records: try log.records(from: month.start, to: month.end), month: month)
/// print(report.csv)
/// ```
public struct AuditReport: Sendable, Hashable {
    /// Exchange counts for one consumer, provider or service.
    public struct Counts: Sendable, Hashable {
        /// Every exchange.
        public var total = 0
        /// Allowed exchanges.
        public var allowed = 0
        /// Denied exchanges.
        public var denied = 0
        /// Failed exchanges.
        public var failed = 0

        /// Zero counts.
        public init() {}

        mutating func add(_ outcome: AuditEvent.Outcome) {
            total += 1
            switch outcome {
            case .allowed: allowed += 1
            case .denied: denied += 1
            case .failed: failed += 1
            }
        }

        var json: JSONValue {
            .object([
                "total": JSONValue(total), "allowed": JSONValue(allowed), "denied": JSONValue(denied),
                "failed": JSONValue(failed),
            ])
        }
    }

    /// The key used when a record has no consumer, provider, service or problem code.
    public static let unknown = "(unknown)"

    /// The month reported.
    public var month: AuditMonth
    /// Counts over every exchange of the month.
    public var totals = Counts()
    /// Per consumer.
    public var byConsumer: [String: Counts] = [:]
    /// Per provider.
    public var byProvider: [String: Counts] = [:]
    /// Per service.
    public var byService: [String: Counts] = [:]
    /// Denied exchanges per problem code (the denial reason).
    public var denialsByReason: [String: Int] = [:]
    /// Median latency in microseconds (nearest rank), `nil` without exchanges.
    public var latencyP50: Int?
    /// 99th-percentile latency in microseconds (nearest rank), `nil` without exchanges.
    public var latencyP99: Int?

    /// An empty report for `month`.
    public init(month: AuditMonth) {
        self.month = month
    }

    /// Aggregates the exchanges recorded in `month`; records of other months and operators' changes are ignored.
    public static func monthly(records: some Sequence<AuditRecord>, month: AuditMonth) -> AuditReport {
        var report = AuditReport(month: month)
        var latencies: [Int] = []
        for record in records
        where month.contains(timestamp: record.recordedAt) && record.service != AuditEvent.adminService {
            report.totals.add(record.outcome)
            report.byConsumer[record.consumer ?? unknown, default: Counts()].add(record.outcome)
            report.byProvider[record.provider ?? unknown, default: Counts()].add(record.outcome)
            report.byService[record.service ?? unknown, default: Counts()].add(record.outcome)
            if record.outcome == .denied { report.denialsByReason[record.problemCode ?? unknown, default: 0] += 1 }
            latencies.append(record.latencyMicroseconds)
        }
        latencies.sort()
        report.latencyP50 = percentile(latencies, 50)
        report.latencyP99 = percentile(latencies, 99)
        return report
    }

    /// The nearest-rank percentile of sorted values: the smallest value with at least `p`% of values at or
    /// below it.
    static func percentile(_ sorted: [Int], _ p: Int) -> Int? {
        guard !sorted.isEmpty else { return nil }
        let rank = (p * sorted.count + 99) / 100  // ceil(p/100 * n)
        return sorted[max(rank, 1) - 1]
    }

    /// The report as JSON: `month`, `totals`, `byConsumer`, `byProvider`, `byService`, `denialsByReason`,
    /// `latencyMicroseconds: {p50, p99}`.
    public var json: JSONValue {
        func groups(_ counts: [String: Counts]) -> JSONValue { .object(JSONObject(counts.mapValues(\.json))) }
        return .object([
            "month": .string(month.description), "totals": totals.json, "byConsumer": groups(byConsumer),
            "byProvider": groups(byProvider), "byService": groups(byService),
            "denialsByReason": .object(JSONObject(denialsByReason.mapValues { JSONValue($0) })),
            "latencyMicroseconds": .object([
                "p50": latencyP50.map { JSONValue($0) } ?? .null, "p99": latencyP99.map { JSONValue($0) } ?? .null,
            ]),
        ])
    }

    /// The report as CSV (RFC 4180): header `section,key,total,allowed,denied,failed`; sections `outcome`
    /// (key `all`), `consumer`, `provider`, `service`, `denial` (count in `total`), `latency-us` (keys `p50`,
    /// `p99`, value in `total`). Rows are sorted by section then key.
    public var csv: String {
        var lines = ["section,key,total,allowed,denied,failed"]
        func row(_ section: String, _ key: String, _ counts: Counts) {
            lines.append(
                [section, key, "\(counts.total)", "\(counts.allowed)", "\(counts.denied)", "\(counts.failed)"]
                    .map(Self.csvField).joined(separator: ","))
        }
        func single(_ section: String, _ key: String, _ value: Int?) {
            lines.append([section, key, value.map(String.init) ?? "", "", "", ""].map(Self.csvField).joined(separator: ","))
        }
        row("outcome", "all", totals)
        for (section, groups) in [("consumer", byConsumer), ("provider", byProvider), ("service", byService)] {
            for key in groups.keys.sorted() { row(section, key, groups[key] ?? Counts()) }
        }
        for key in denialsByReason.keys.sorted() { single("denial", key, denialsByReason[key]) }
        single("latency-us", "p50", latencyP50)
        single("latency-us", "p99", latencyP99)
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
