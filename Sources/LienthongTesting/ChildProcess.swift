public import Foundation

/// Runs a command-line tool to completion for a test: the built `lienthong`, `openssl`, `curl`.
///
/// It blocks the calling thread until the tool exits, so a test calling it must not be waiting on work
/// that needs the same thread (the suites that start in-process servers run their tools from a `Thread`).
public enum ChildProcess {
    /// What the tool wrote and how it ended.
    public struct Output: Sendable {
        /// The exit status.
        public var status: Int32
        /// Standard output, decoded as UTF-8.
        public var stdout: String
        /// Standard error, decoded as UTF-8.
        public var stderr: String
    }

    /// Runs `executable` with `arguments`, feeding `input` on standard input; `environment` adds to the test
    /// process's variables.
    public static func run(
        _ executable: URL, _ arguments: [String], input: Data = Data(), currentDirectory: URL? = nil,
        environment: [String: String] = [:]
    ) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
        }
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        // Standard error is drained on another thread so that neither pipe can fill and stall the tool.
        let errors = Drain(stderr.fileHandleForReading)
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: output, as: UTF8.self),
            stderr: String(decoding: errors.wait(), as: UTF8.self)
        )
    }

    /// Runs a tool found on `PATH` (e.g. `openssl`).
    public static func run(tool: String, _ arguments: [String], currentDirectory: URL? = nil) throws -> Output {
        try run(URL(fileURLWithPath: "/usr/bin/env"), [tool] + arguments, currentDirectory: currentDirectory)
    }

    /// Reads a pipe to its end on a thread of its own.
    private final class Drain: @unchecked Sendable {
        // @unchecked: `data` is written by the reading thread before `done` is signalled, read after waiting.
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            Thread { [self] in
                data = handle.readDataToEndOfFile()
                done.signal()
            }.start()
        }

        func wait() -> Data {
            done.wait()
            return data
        }
    }
}
