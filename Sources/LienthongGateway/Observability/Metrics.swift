import Foundation
import LienthongHTTP
import Synchronization

/// The counters and histograms a node keeps across reloads, written as Prometheus text on the admin listener's
/// `GET /metrics` together with what ``NodeMetrics`` reads at scrape time (breakers, audit, process).
///
/// Labels are bounded sets: route templates (never a concrete path, which may hold a personal ID), statuses,
/// problem codes and registry names from the configuration.
public final class Metrics: Sendable {
    /// Upper bounds of the latency buckets, in seconds.
    static let bucketBounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]
    /// The `route` label of what the HTTP server answers without the router (a refused head, a 503 on shutdown).
    static let serverRoute = "(server)"

    struct RequestKey: Hashable {
        var listener: String
        var route: String
        var status: Int
        var code: String
    }

    struct UpstreamKey: Hashable {
        var registry: String
        var code: String
    }

    /// A latency histogram: counts per bucket of ``bucketBounds`` (and one above), with their sum.
    struct Histogram {
        var counts = Array(repeating: 0, count: Metrics.bucketBounds.count + 1)
        var sum = 0.0

        mutating func observe(_ seconds: Double) {
            counts[Metrics.bucketBounds.firstIndex { seconds <= $0 } ?? Metrics.bucketBounds.count] += 1
            sum += seconds
        }
    }

    struct State {
        var requests: [RequestKey: Int] = [:]
        var routeLatency: [String: Histogram] = [:]
        var registryLatency: [String: Histogram] = [:]
        var upstreamLatency: [String: Histogram] = [:]
        var upstreamCalls: [UpstreamKey: Int] = [:]
        var openConnections: [String: Int] = [:]
        var handshakes: [String: (completed: Int, failed: Int)] = [:]
    }

    let state = Mutex(State())
    /// The last problem answers (status 400 and above), for the dashboard.
    let recentProblems = RecentProblems()

    public init() {}

    /// Counts one answer and, for the sharing API's router, its latency under its route and the registries it asked.
    /// - Parameters:
    ///   - route: the route template, never the concrete path (it may hold a personal ID).
    ///   - code: the problem `code`, or `ok`.
    ///   - seconds: the latency of a sharing API answer; `nil` for the admin listener's and the server's own.
    func record(
        listener: String = "api", route: String, status: Int, code: String, seconds: Double?, registries: [String] = []
    ) {
        if status >= 400 {
            recentProblems.add(
                RecentProblems.Entry(time: Date(), listener: listener, route: route, status: status, code: code))
        }
        state.withLock { state in
            state.requests[RequestKey(listener: listener, route: route, status: status, code: code), default: 0] += 1
            guard let seconds else { return }
            state.routeLatency[route, default: Histogram()].observe(seconds)
            for registry in registries { state.registryLatency[registry, default: Histogram()].observe(seconds) }
        }
    }

    /// Counts one call to a registry's back end; `code` is the connector error's, `nil` when it answered.
    func recordUpstream(registry: String, seconds: Double, code: String?) {
        state.withLock { state in
            state.upstreamLatency[registry, default: Histogram()].observe(seconds)
            state.upstreamCalls[UpstreamKey(registry: registry, code: code ?? "ok"), default: 0] += 1
        }
    }

    /// What the HTTP server of `listener` (`api` or `admin`) tells about its own work.
    func serverObserver(listener: String) -> HTTPServerObserver {
        HTTPServerObserver(
            answered: { [self] status in
                record(listener: listener, route: Self.serverRoute, status: status, code: "server", seconds: nil)
            },
            connection: { [self] opened in
                state.withLock { $0.openConnections[listener, default: 0] += opened ? 1 : -1 }
            },
            handshake: { [self] completed in
                state.withLock { state in
                    var counts = state.handshakes[listener] ?? (0, 0)
                    if completed { counts.completed += 1 } else { counts.failed += 1 }
                    state.handshakes[listener] = counts
                }
            }
        )
    }

    /// The counted families, in Prometheus text.
    func write(to text: inout PrometheusText) {
        let snapshot = state.withLock { $0 }
        text.family("lienthong_requests_total", "counter", "Requests answered, by listener, route, status and code.")
        let requests = snapshot.requests.sorted {
            ($0.key.listener, $0.key.route, $0.key.status, $0.key.code)
                < ($1.key.listener, $1.key.route, $1.key.status, $1.key.code)
        }
        for (key, count) in requests {
            text.sample(
                "lienthong_requests_total",
                [("listener", key.listener), ("route", key.route), ("status", "\(key.status)"), ("code", key.code)],
                count)
        }
        Self.write(
            "lienthong_request_duration_seconds", "Time from request to response head, by route.", label: "route",
            snapshot.routeLatency, to: &text)
        Self.write(
            "lienthong_registry_request_duration_seconds", "Time from request to response head, by registry asked.",
            label: "registry", snapshot.registryLatency, to: &text)
        Self.write(
            "lienthong_upstream_duration_seconds", "Time of each call to a registry's back end.", label: "registry",
            snapshot.upstreamLatency, to: &text)
        text.family(
            "lienthong_upstream_calls_total", "counter", "Calls to a registry's back end, by connector error code.")
        let calls = snapshot.upstreamCalls.sorted {
            ($0.key.registry, $0.key.code) < ($1.key.registry, $1.key.code)
        }
        for (key, count) in calls {
            text.sample("lienthong_upstream_calls_total", [("registry", key.registry), ("code", key.code)], count)
        }
        text.family("lienthong_open_connections", "gauge", "Connections open now, by listener.")
        for (listener, count) in snapshot.openConnections.sorted(by: { $0.key < $1.key }) {
            text.sample("lienthong_open_connections", [("listener", listener)], count)
        }
        text.family("lienthong_tls_handshakes_total", "counter", "TLS handshakes, by listener and result.")
        for (listener, counts) in snapshot.handshakes.sorted(by: { $0.key < $1.key }) {
            for (result, count) in [("completed", counts.completed), ("failed", counts.failed)] {
                text.sample("lienthong_tls_handshakes_total", [("listener", listener), ("result", result)], count)
            }
        }
    }

    private static func write(
        _ name: String, _ help: String, label: String, _ histograms: [String: Histogram], to text: inout PrometheusText
    ) {
        text.family(name, "histogram", help)
        for (value, histogram) in histograms.sorted(by: { $0.key < $1.key }) {
            text.histogram(name, [(label, value)], bounds: bucketBounds, counts: histogram.counts, sum: histogram.sum)
        }
    }
}
