extension Metrics {
    /// Latency percentiles of one histogram, in seconds, estimated from its buckets.
    struct Percentiles: Sendable, Equatable {
        /// What the histogram is of: a route template or a registry name.
        var name: String
        var count: Int
        var p50: Double
        var p90: Double
        var p99: Double
    }

    /// The percentiles of each route's, registry's and back end's latency histogram, sorted by name.
    var latencyPercentiles: (routes: [Percentiles], registries: [Percentiles], upstreams: [Percentiles]) {
        let snapshot = state.withLock { $0 }
        func each(_ histograms: [String: Histogram]) -> [Percentiles] {
            histograms.sorted { $0.key < $1.key }.compactMap { name, histogram in
                let count = histogram.counts.reduce(0, +)
                guard count > 0 else { return nil }
                return Percentiles(
                    name: name, count: count, p50: histogram.quantile(0.5), p90: histogram.quantile(0.9),
                    p99: histogram.quantile(0.99))
            }
        }
        return (each(snapshot.routeLatency), each(snapshot.registryLatency), each(snapshot.upstreamLatency))
    }
}

extension Metrics.Histogram {
    /// The `q` quantile (0 to 1), interpolated linearly inside its bucket as Prometheus' `histogram_quantile` does;
    /// above the last bound it is that bound (the histogram knows no more).
    func quantile(_ q: Double) -> Double {
        let total = counts.reduce(0, +)
        guard total > 0 else { return 0 }
        let rank = q * Double(total)
        var below = 0
        for (index, count) in counts.enumerated() {
            guard Double(below + count) >= rank, count > 0 else {
                below += count
                continue
            }
            guard index < Metrics.bucketBounds.count else { return Metrics.bucketBounds[index - 1] }
            let lower = index == 0 ? 0 : Metrics.bucketBounds[index - 1]
            let upper = Metrics.bucketBounds[index]
            return lower + (upper - lower) * (rank - Double(below)) / Double(count)
        }
        return Metrics.bucketBounds.last ?? 0
    }
}

extension Metrics {
    /// Calls to each registry's back end since start, and how many of them failed.
    var upstreamCallCounts: [String: (calls: Int, errors: Int)] {
        let calls = state.withLock { $0.upstreamCalls }
        var counts: [String: (calls: Int, errors: Int)] = [:]
        for (key, count) in calls {
            var entry = counts[key.registry] ?? (0, 0)
            entry.calls += count
            if key.code != "ok" { entry.errors += count }
            counts[key.registry] = entry
        }
        return counts
    }
}
