import Foundation
import LienthongTesting
import Synchronization
import Testing

/// Reads a child's output stream to its end on a thread of its own, so the child never blocks on a full pipe, and
/// keeps what it read for the test.
final class OutputCollector: Sendable {
    /// The bytes read so far (decoded whole, so a character split across two reads stays one), and whether the
    /// stream has ended.
    private let state: Mutex<(bytes: [UInt8], ended: Bool)>

    /// Starts reading `handle`; `initial` is what was read from it before.
    init(_ handle: FileHandle, initial: String = "") {
        state = Mutex((Array(initial.utf8), false))
        Thread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                state.withLock { $0.bytes += chunk }
            }
            state.withLock { $0.ended = true }
        }.start()
    }

    /// The complete lines read so far.
    var lines: [String] {
        let all = self.all
        return all.split(separator: "\n", omittingEmptySubsequences: true).dropLast(all.hasSuffix("\n") ? 0 : 1)
            .map(String.init)
    }

    /// Everything read so far.
    var all: String { String(decoding: state.withLock { $0.bytes }, as: UTF8.self) }

    /// Whether the stream has ended (the child closed it, e.g. by exiting) and everything in it was read.
    var ended: Bool { state.withLock { $0.ended } }

    /// Waits (polling, at most `seconds`) until `done` holds for the lines read; returns the lines then.
    func lines(within seconds: Double = 10, until done: ([String]) -> Bool) async throws -> [String] {
        try await Poll.until(within: .milliseconds(Int(seconds * 1000))) { done(lines) }
        return lines
    }

    /// Waits (polling, at most `seconds`) until the stream has ended, so that what a stopped child wrote last has
    /// been read; records an issue if it has not.
    func toTheEnd(within seconds: Double = 10) async throws -> OutputCollector {
        let ended = try await Poll.until(within: .milliseconds(Int(seconds * 1000))) { self.ended }
        #expect(ended, "the child's output did not end within \(seconds) s")
        return self
    }
}
