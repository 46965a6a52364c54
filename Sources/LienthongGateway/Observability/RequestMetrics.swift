import Synchronization

/// The registries one request asked, for the per-registry series of ``Metrics``.
///
/// ``MetricsMiddleware`` sets ``current`` around each request, as ``RequestTrace`` is set for the log, so that
/// every call to a back end (``RequestTrace/upstream(_:key:_:)``) is counted where it happens.
final class RequestMetrics: Sendable {
    /// The request the current task is answering.
    @TaskLocal static var current: RequestMetrics?

    let metrics: Metrics
    private let asked = Mutex<[String]>([])

    init(metrics: Metrics) { self.metrics = metrics }

    /// The registries asked so far, each once, in order.
    var registries: [String] { asked.withLock { $0 } }

    /// Counts one back end call of `registry`.
    func called(_ registry: String, seconds: Double, code: String?) {
        asked.withLock { if !$0.contains(registry) { $0.append(registry) } }
        metrics.recordUpstream(registry: registry, seconds: seconds, code: code)
    }
}
