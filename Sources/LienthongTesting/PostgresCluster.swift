public import Foundation

/// A throwaway PostgreSQL cluster made by `scripts/postgres-cluster`, in a temporary directory.
///
/// ```swift
/// try await PostgresCluster.with { cluster in
///     let connection = try PostgresConnection(cluster.url)
/// }
/// ```
/// A suite that shares one cluster uses the ``PostgresClusterTrait`` (`@Suite(.postgresCluster)`) instead.
public final class PostgresCluster: Sendable {
    /// The cluster the enclosing ``PostgresClusterTrait`` started.
    @TaskLocal public static var current: PostgresCluster?

    /// `<root>/scripts/postgres-cluster`.
    public static var script: URL { Repository.root.appendingPathComponent("scripts/postgres-cluster") }

    /// The cluster's directory (data, socket, log, port).
    public let directory: URL
    /// `postgresql://postgres@127.0.0.1:PORT/lienthong`; the port survives ``stop()`` and ``start()``.
    public let url: String

    private init(directory: URL, url: String) {
        self.directory = directory
        self.url = url
    }

    /// Creates and starts a cluster in a new temporary directory.
    /// - Throws: ``ClusterError`` with everything the script printed when it cannot start.
    public static func create() async throws -> PostgresCluster {
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

    /// Creates a cluster, runs `body` with it, and destroys it whether `body` succeeded or not.
    public static func with(_ body: (PostgresCluster) async throws -> Void) async throws {
        let cluster = try await create()
        do {
            try await body(cluster)
        } catch {
            await cluster.destroy()
            throw error
        }
        await cluster.destroy()
    }

    /// The URL with extra connection parameters, e.g. `application_name`.
    public func url(_ query: String) -> String { "\(url)?\(query)" }

    /// Starts the stopped server again, on the same port.
    public func start() async throws {
        _ = try await Self.run("start", directory)
    }

    /// Stops the server (`pg_ctl stop -m fast`): sessions are terminated, connections closed.
    public func stop() async throws {
        _ = try await Self.run("stop", directory)
    }

    /// Stops the server and deletes its directory.
    public func destroy() async {
        _ = try? await Self.run("stop", directory)
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs the script; its output goes to files, since the server it starts outlives it (and would hold a pipe).
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
    public struct ClusterError: Error, CustomStringConvertible {
        /// The command line that failed.
        public let command: String
        /// Its exit status.
        public let status: Int32
        /// What it printed (standard output, then standard error).
        public let output: String
        public var description: String { "\(command) exited with status \(status):\n\(output)" }
    }
}
