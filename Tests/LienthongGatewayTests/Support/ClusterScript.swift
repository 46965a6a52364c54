import Foundation
import LienthongHTTP
import LienthongTesting

/// `scripts/cluster` run by a test: PostgreSQL, three nodes and HAProxy, in a temporary directory.
final class ClusterScript: @unchecked Sendable {
    // @unchecked: every stored property is set once in init.
    let process: Process
    let directory: URL
    let port: Int
    /// What the script printed on standard output (its banner and curl commands).
    let banner: String

    /// Starts the script with the built `lienthong` and waits (at most two minutes) until it printed its banner.
    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("lienthong-cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let output = directory.appendingPathComponent("script.out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        process = Process()
        // The test runner's threads block most signals and a child inherits the mask: the script would never see
        // Ctrl-C. Python clears the mask, then becomes the script.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            "-c",
            "import os, signal, sys; signal.pthread_sigmask(signal.SIG_SETMASK, []); "
                + "os.execv(sys.argv[1], sys.argv[1:])",
            Repository.root.appendingPathComponent("scripts/cluster").path,
            directory.appendingPathComponent("run").path,
        ]
        process.environment = ProcessInfo.processInfo.environment.merging([
            "LIENTHONG_BIN": GatewayProcess.binary.path, "LIENTHONG_CLUSTER_PORT": "0",
        ]) { _, added in added }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: output)
        try process.run()
        let ready = directory.appendingPathComponent("run/ready")
        for _ in 0..<1200 where !FileManager.default.fileExists(atPath: ready.path) && process.isRunning {
            Thread.sleep(forTimeInterval: 0.1)
        }
        banner = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        let portFile = directory.appendingPathComponent("run/postgres/port")
        let postgresPort = (try? String(contentsOf: portFile, encoding: .utf8)) ?? ""
        postgresURL = "postgresql://postgres@127.0.0.1:\(postgresPort.trimmingCharacters(in: .whitespaces))/lienthong"
        // The script chose HAProxy's port (again if another process took it before HAProxy bound it).
        let chosenPort = (try? String(contentsOf: directory.appendingPathComponent("run/port"), encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        guard FileManager.default.fileExists(atPath: ready.path), let chosenPort else {
            port = 0
            stop()
            throw GatewayProcessError(message: "scripts/cluster did not become ready:\n\(banner)")
        }
        port = chosenPort
    }

    /// The directory the script keeps the cluster in.
    var run: URL { directory.appendingPathComponent("run") }
    var baseURL: String { "https://127.0.0.1:\(port)" }
    var rootCA: String { run.appendingPathComponent("node-a/pki/root-ca.crt.pem").path }
    /// The URL of the cluster's PostgreSQL (its port is kept in the cluster directory).
    let postgresURL: String

    /// The pid a part of the cluster recorded (`node-a`, …, `haproxy`).
    func pid(_ part: String) throws -> Int32 {
        let text = try String(contentsOf: run.appendingPathComponent("\(part).pid"), encoding: .utf8)
        return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    /// Whether a node's port refuses a TCP connection: its process has died and its listening socket is gone
    /// (until then the kernel still queues connections to it, which the dying node never answers).
    func nodeRefusesConnections(_ node: String) throws -> Bool {
        let text = try String(contentsOf: run.appendingPathComponent("\(node).port"), encoding: .utf8)
        guard let port = UInt16(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        do {
            close(try Loopback.connect(port: Int(port)))
            return false
        } catch {
            return error.code == .ECONNREFUSED
        }
    }

    func token(_ file: String) throws -> String {
        try String(contentsOf: run.appendingPathComponent("node-a/secrets/\(file)"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Sends SIGINT (Ctrl-C) and waits at most a minute for the script to exit.
    @discardableResult
    func interrupt() -> Bool {
        guard process.isRunning else { return true }
        kill(process.processIdentifier, SIGINT)
        for _ in 0..<600 where process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
        return !process.isRunning
    }

    func stop() {
        if !interrupt() { process.terminate() }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }
}
