import Foundation
@testable import LienthongGateway
import LienthongJSON
import Synchronization
import Testing

/// The log writer never makes a request wait: a full queue drops lines and counts them.
struct LogWriterTests {
    /// An output that records what it is given and, while `held`, blocks the writer thread (a stalled pipe).
    final class StalledOutput: Sendable {
        let written = Mutex<[(Console.Stream, String)]>([])
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let held = Mutex(true)

        func write(_ bytes: [UInt8], _ stream: Console.Stream) {
            written.withLock { $0.append((stream, String(decoding: bytes, as: UTF8.self))) }
            if held.withLock({ $0 }) {
                entered.signal()
                release.wait()
            }
        }
    }

    struct Line: LogEntry {
        var time = Date(timeIntervalSince1970: 1_765_000_000.123)
        var level: LogLevel = .info
        var number: Int

        func fields(into line: inout LogLine) { line.field("n", number) }
    }

    @Test func aFullQueueDropsAndCountsInsteadOfWaiting() {
        let output = StalledOutput()
        let writer = LogWriter(level: .info, capacity: 2, gatherInterval: 0) { output.write($0, $1) }
        writer.write(Line(number: 1))
        // The writer thread now hangs in the output with line 1; two lines fit the queue, three more do not.
        #expect(output.entered.wait(timeout: .now() + 10) == .success)
        for number in 2...6 { writer.write(Line(number: number)) }
        #expect(writer.droppedLines == 3)
        output.held.withLock { $0 = false }
        output.release.signal()
        writer.close()
        let written = output.written.withLock { $0 }
        let standardOutput = written.filter { $0.0 == .standardOutput }.map(\.1).joined()
        let numbers = standardOutput.split(separator: "\n").compactMap { try? JSONValue.parse(Array($0.utf8))["n"] }
        #expect(numbers == [1, 2, 3])
        let notice = written.filter { $0.0 == .standardError }.map(\.1).joined()
        let dropped = try? JSONValue.parse(Array(notice.utf8.dropLast()))
        #expect(dropped?["event"] == "log-lines-dropped")
        #expect(dropped?["count"] == 3)
        #expect(dropped?["level"] == "warn")
    }

    @Test func linesStartWithTimeAndLevelAndWarningsGoToStandardError() {
        let output = StalledOutput()
        output.held.withLock { $0 = false }
        let writer = LogWriter(level: .debug) { output.write($0, $1) }
        writer.write(Line(number: 7))
        writer.write(Line(level: .error, number: 8))
        writer.close()
        let written = output.written.withLock { $0 }
        #expect(written.first { $0.0 == .standardOutput }?.1
            == #"{"time":"2025-12-06T05:46:40.123Z","level":"info","n":7}"# + "\n")
        #expect(written.first { $0.0 == .standardError }?.1.contains(#""level":"error","n":8}"#) == true)
    }

    @Test func closeReturnsWhenTheOutputNeverTakesTheLines() {
        let output = StalledOutput()
        let writer = LogWriter(level: .info) { output.write($0, $1) }
        writer.write(Line(number: 1))
        #expect(output.entered.wait(timeout: .now() + 10) == .success)
        let started = ContinuousClock.now
        writer.close(timeout: 0.2)
        #expect(started.duration(to: .now) < .seconds(5))
        output.release.signal()
    }
}
