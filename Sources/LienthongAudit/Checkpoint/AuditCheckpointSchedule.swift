public import Foundation

/// Decides when the audit log writes a checkpoint: pure, time passed in.
///
/// A checkpoint is due when records were added since the last one and either ``everyRecords`` of them are
/// waiting or ``interval`` has passed since the last checkpoint; on close, whenever records are waiting.
/// The log asks before each batch commit and on its timer, and reports each checkpoint it wrote.
public struct AuditCheckpointSchedule: Sendable, Hashable {
    /// Why a checkpoint is due.
    public enum Decision: Sendable, Hashable {
        /// Nothing to do.
        case none
        /// Sign the head now; `reason` is for logs and tests.
        case checkpoint(reason: Reason)
    }

    /// What made a checkpoint due.
    public enum Reason: String, Sendable, Hashable {
        /// ``everyRecords`` records since the last checkpoint.
        case count
        /// ``interval`` elapsed since the last checkpoint.
        case interval
        /// The log is closing.
        case close
    }

    /// Records between checkpoints at most.
    public let everyRecords: Int
    /// Seconds between checkpoints at most.
    public let interval: TimeInterval
    /// The sequence number the last checkpoint covers (0 if none).
    public private(set) var lastSeq: Int64
    /// When the last checkpoint was made, or when the schedule started.
    public private(set) var lastTime: Date

    /// A schedule whose last checkpoint covers `lastSeq` at `lastTime` (for a new log: 0 and the open time).
    public init(everyRecords: Int, interval: TimeInterval, lastSeq: Int64, lastTime: Date) {
        self.everyRecords = max(1, everyRecords)
        self.interval = interval
        self.lastSeq = lastSeq
        self.lastTime = lastTime
    }

    /// Whether the head `head` needs a checkpoint at `now` (before committing a batch, or on the timer).
    public func decide(head: Int64, at now: Date) -> Decision {
        guard head > lastSeq else { return .none }
        if head - lastSeq >= Int64(everyRecords) { return .checkpoint(reason: .count) }
        if now >= lastTime.addingTimeInterval(interval) { return .checkpoint(reason: .interval) }
        return .none
    }

    /// Whether the head needs a checkpoint when the log closes.
    public func decideOnClose(head: Int64) -> Decision {
        head > lastSeq ? .checkpoint(reason: .close) : .none
    }

    /// When the interval rule next fires for `head`, or `nil` when no record waits for a checkpoint.
    public func deadline(head: Int64) -> Date? {
        head > lastSeq ? lastTime.addingTimeInterval(interval) : nil
    }

    /// Records that a checkpoint covering `seq` was committed at `time`.
    public mutating func checkpointed(seq: Int64, at time: Date) {
        precondition(seq >= lastSeq, "checkpoints move forward")
        lastSeq = seq
        lastTime = time
    }
}
