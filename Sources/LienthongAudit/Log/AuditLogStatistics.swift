import Synchronization

/// Read-only counters of an ``AuditLog``'s writer, for a node's metrics: batches committed, their sizes and commit
/// times. The writer thread updates them after each commit; readers take a copy.
public struct AuditLogStatistics: Sendable, Equatable {
    /// Upper bounds of the batch size buckets.
    public static let batchSizeBounds: [Double] = [1, 2, 4, 8, 16, 32, 64, 128, 256]
    /// Upper bounds of the commit time buckets, in seconds.
    public static let commitBounds: [Double] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

    /// Batches committed (each one transaction and one fsync).
    public var batches = 0
    /// Records committed.
    public var records = 0
    /// Batches whose commit failed.
    public var failedBatches = 0
    /// Batches per batch size bucket (not cumulative), by ``batchSizeBounds`` then one for larger.
    public var batchSizeBuckets = Array(repeating: 0, count: batchSizeBounds.count + 1)
    /// Commits per commit time bucket (not cumulative), by ``commitBounds`` then one for slower.
    public var commitBuckets = Array(repeating: 0, count: commitBounds.count + 1)
    /// Seconds spent committing, summed.
    public var commitSeconds = 0.0
    /// Events waiting for the writer when the copy was taken.
    public var queueDepth = 0
    /// The sequence number of the chain's head.
    public var headSeq = 0

    /// Counts one committed (or failed) batch.
    mutating func committed(size: Int, seconds: Double, failed: Bool) {
        if failed {
            failedBatches += 1
            return
        }
        batches += 1
        records += size
        commitSeconds += seconds
        batchSizeBuckets[Self.batchSizeBounds.firstIndex { Double(size) <= $0 } ?? Self.batchSizeBounds.count] += 1
        commitBuckets[Self.commitBounds.firstIndex { seconds <= $0 } ?? Self.commitBounds.count] += 1
    }
}

/// The writer's counters behind one lock (the writer thread writes, metrics readers copy).
final class AuditLogCounters: Sendable {
    private let state = Mutex(AuditLogStatistics())

    func update(_ change: (inout AuditLogStatistics) -> Void) { state.withLock { change(&$0) } }

    var snapshot: AuditLogStatistics { state.withLock { $0 } }
}
