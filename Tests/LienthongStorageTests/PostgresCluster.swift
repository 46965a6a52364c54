import Foundation
import Testing

/// A throwaway PostgreSQL cluster made by `scripts/postgres-cluster`, in a temporary directory.
final class PostgresCluster: Sendable {
    /// The cluster the enclosing ``PostgresClusterTrait`` started.
    @TaskLocal static var current: PostgresCluster?

    /// The script, found from this file: `<root>/Tests/LienthongStorageTests/PostgresCluster.swift`.
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("scripts/postgres-cluster")

    let directory: URL
    /// `postgresql://postgres@127.0.0.1:PORT/lienthong`; the port survives ``stop()`` and ``start()``.
    let url: String

    private init(directory: URL, url: String) {
        self.directory = directory
        self.url = url
    }

    /// Creates and starts a cluster in a new temporary directory.
    static func create() async throws -> PostgresCluster {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("lienthong-postgres-\(UUID().uuidString)")
        do {
            let url = try await run("start", directory).trimmingCharacters(in: .whitespacesAndNewlines)
            return PostgresCluster(directory: directory, url: url)
        } catch {
            _ = try? await run("stop", directory)
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    /// The URL with extra connection parameters, e.g. `application_name`.
    func url(_ query: String) -> String { "\(url)?\(query)" }

    /// Starts the stopped server again, on the same port.
    func start() async throws {
        _ = try await Self.run("start", directory)
    }

    /// Stops the server (`pg_ctl stop -m fast`): sessions are terminated, connections closed.
    func stop() async throws {
        _ = try await Self.run("stop", directory)
    }

    /// Stops the server and deletes its directory.
    func destroy() async {
        _ = try? await Self.run("stop", directory)
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs the script; its output goes to files, since the server it starts outlives it.
    private static func run(_ command: String, _ directory: URL) async throws -> String {
        let outputs = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lienthong-pgc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: outputs) }
        let stdout = outputs.appendingPathComponent("stdout")
        let stderr = outputs.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)

        let process = Process()
        process.executableURL = script
        process.arguments = [command, directory.path]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        let output = (try? String(contentsOf: stdout, encoding: .utf8)) ?? ""
        guard status == 0 else {
            let errors = (try? String(contentsOf: stderr, encoding: .utf8)) ?? ""
            throw ClusterError(
                command: "\(script.path) \(command) \(directory.path)", status: status,
                output: output + errors)
        }
        return output
    }

    /// The script failed; carries everything it printed.
    struct ClusterError: Error, CustomStringConvertible {
        let command: String
        let status: Int32
        let output: String
        var description: String { "\(command) exited with status \(status):\n\(output)" }
    }
}
