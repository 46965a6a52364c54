import Synchronization

/// Counters and a latency histogram for `/metrics` (Prometheus text format 0.0.4).
public final class Metrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let bucketBounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

    private struct RequestKey: Hashable {
        var route: String
        var status: Int
        var code: String
    }

    private struct State {
        var requests: [RequestKey: Int] = [:]
        var bucketCounts: [Int] = Array(repeating: 0, count: Metrics.bucketBounds.count)
        var latencyCount = 0
        var latencySum = 0.0
        var auditAppends = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Counts one request and its latency.
    /// - Parameters:
    ///   - route: the route template, never the concrete path (it may hold a personal ID).
    ///   - code: the problem `code`, or `ok`.
    public func record(route: String, status: Int, code: String, seconds: Double) {
        state.withLock { state in
            state.requests[RequestKey(route: route, status: status, code: code), default: 0] += 1
            state.latencyCount += 1
            state.latencySum += seconds
            if let bucket = Self.bucketBounds.firstIndex(where: { seconds <= $0 }) { state.bucketCounts[bucket] += 1 }
        }
    }

    /// The Prometheus text exposition.
    public func exposition() -> String {
        let snapshot = state.withLock { $0 }
        var lines = [
            "# HELP lienthong_requests_total Requests answered, by route, status and problem code.",
            "# TYPE lienthong_requests_total counter",
        ]
        for (key, count) in snapshot.requests.sorted(by: { ($0.key.route, $0.key.status) < ($1.key.route, $1.key.status) }) {
            lines.append(
                "lienthong_requests_total{route=\"\(key.route)\",status=\"\(key.status)\",code=\"\(key.code)\"} \(count)"
            )
        }
        lines.append("# HELP lienthong_request_duration_seconds Time from request to response.")
        lines.append("# TYPE lienthong_request_duration_seconds histogram")
        var cumulative = 0
        for (bound, count) in zip(Self.bucketBounds, snapshot.bucketCounts) {
            cumulative += count
            lines.append("lienthong_request_duration_seconds_bucket{le=\"\(bound)\"} \(cumulative)")
        }
        lines.append("lienthong_request_duration_seconds_bucket{le=\"+Inf\"} \(snapshot.latencyCount)")
        lines.append("lienthong_request_duration_seconds_sum \(snapshot.latencySum)")
        lines.append("lienthong_request_duration_seconds_count \(snapshot.latencyCount)")
        return lines.joined(separator: "\n") + "\n"
    }
}
