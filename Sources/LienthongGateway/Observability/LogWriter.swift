import Foundation

/// The one thread that writes log lines, so that no request waits on standard output or standard error.
///
/// Requests hand over entries through a bounded queue; when `capacity` lines are waiting (the output stalls, or
/// lines come faster than it takes them) new ones are dropped and counted, never waited for, and the writer says
/// how many it lost in a `warn` line. The writer formats the entries, then writes each stream's lines in one call;
/// after a batch it lets the next one gather for `gatherInterval`, so that under load a request costs a lock and an
/// append, and only the first line after a quiet spell wakes the thread.
final class LogWriter: @unchecked Sendable {
    // @unchecked: every mutable member is guarded by `condition`; `output` is called by the writer thread only.
    private let condition = NSCondition()
    private var pending: [any LogEntry] = []
    private var dropped = 0
    private var droppedTotal = 0
    private var closing = false
    private var finished = false
    /// The thread waits on `condition` for the first entry: the next `write` must signal it.
    private var idle = false
    private let capacity: Int
    private let gatherInterval: TimeInterval
    let level: LogLevel
    private let output: @Sendable ([UInt8], Console.Stream) -> Void

    /// Starts the writer thread.
    /// - Parameters:
    ///   - level: whether the writer's own `warn` notices are written.
    ///   - capacity: how many lines may wait; more are dropped.
    ///   - gatherInterval: how long the writer lets lines gather after a batch.
    ///   - output: writes bytes to a stream (the process's own by default; tests capture them).
    init(
        level: LogLevel, capacity: Int = 16_384, gatherInterval: TimeInterval = 0.01,
        output: @escaping @Sendable ([UInt8], Console.Stream) -> Void = Console.write
    ) {
        self.level = level
        self.capacity = capacity
        self.gatherInterval = gatherInterval
        self.output = output
        let thread = Thread { [self] in run() }
        thread.name = "lienthong-log"
        thread.start()
    }

    /// Queues `entry` for writing, or drops it (counted) when the queue is full or the writer closed.
    func write(_ entry: any LogEntry) {
        condition.lock()
        defer { condition.unlock() }
        guard !closing else { return }
        guard pending.count < capacity else {
            dropped += 1
            droppedTotal += 1
            return
        }
        pending.append(entry)
        if idle {
            idle = false
            condition.signal()
        }
    }

    /// Lines dropped since the writer started because the queue was full.
    var droppedLines: Int {
        condition.lock()
        defer { condition.unlock() }
        return droppedTotal
    }

    /// Writes what is queued and stops the thread; waits at most `timeout` for an output that does not take it.
    func close(timeout: TimeInterval = 2) {
        condition.lock()
        defer { condition.unlock() }
        closing = true
        condition.signal()
        let deadline = Date(timeIntervalSinceNow: timeout)
        while !finished, condition.wait(until: deadline) {}
    }

    private func run() {
        while true {
            condition.lock()
            while pending.isEmpty && !closing {
                idle = true
                condition.wait()
            }
            idle = false
            var batch: [any LogEntry] = []
            swap(&batch, &pending)
            let lost = dropped
            dropped = 0
            let last = closing
            condition.unlock()
            if lost > 0, level.logs(.warn) { batch.append(DroppedLinesLogEntry(time: Date(), count: lost)) }
            flush(batch)
            if last { break }
            Thread.sleep(forTimeInterval: gatherInterval)
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private func flush(_ batch: [any LogEntry]) {
        var standardOutput: [UInt8] = []
        var standardError: [UInt8] = []
        for entry in batch {
            if entry.level >= .warn {
                standardError += entry.line()
            } else {
                standardOutput += entry.line()
            }
        }
        if !standardOutput.isEmpty { output(standardOutput, .standardOutput) }
        if !standardError.isEmpty { output(standardError, .standardError) }
    }
}
