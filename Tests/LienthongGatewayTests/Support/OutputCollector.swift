import Foundation
import Synchronization

/// Reads a child's output stream to its end on a thread of its own, so the child never blocks on a full pipe, and
/// keeps what it read for the test.
final class OutputCollector: Sendable {
    private let text: Mutex<String>

    /// Starts reading `handle`; `initial` is what was read from it before.
    init(_ handle: FileHandle, initial: String = "") {
        text = Mutex(initial)
        Thread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                let decoded = String(decoding: chunk, as: UTF8.self)
                text.withLock { $0 += decoded }
            }
        }.start()
    }

    /// The complete lines read so far.
    var lines: [String] {
        let all = text.withLock { $0 }
        return all.split(separator: "\n", omittingEmptySubsequences: true).dropLast(all.hasSuffix("\n") ? 0 : 1)
            .map(String.init)
    }

    /// Everything read so far.
    var all: String { text.withLock { $0 } }

    /// Waits (polling, at most `seconds`) until `done` holds for the lines read; returns the lines then.
    func lines(within seconds: Double = 10, until done: ([String]) -> Bool) async throws -> [String] {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while true {
            let current = lines
            if done(current) || ContinuousClock.now >= deadline { return current }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
