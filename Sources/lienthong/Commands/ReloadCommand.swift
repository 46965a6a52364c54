import Foundation
import LienthongCommandLine
import LienthongGateway

/// `lienthong reload [--data-dir DIR | --pid-file FILE] [--timeout SECONDS]`: asks the node running on a data
/// directory to re-read its configuration and key store (SIGHUP), waits for its answer and prints it.
///
/// Exit status: 0 applied, 1 refused (the node keeps what it runs; the problems are printed) or no answer in time,
/// 2 usage error (no pid file, no such node).
struct ReloadCommand: LienthongCommand {
    static let command = Command(
        "reload", summary: "make a running node re-read its configuration and key store (SIGHUP)",
        discussion: """
            Prints the node's answer. Exit status: 0 applied, 1 refused (the node keeps what it runs) or no answer
            in time, 2 usage error (no pid file, no such node).
            """,
        options: [
            .value(
                "data-dir", "DIR",
                help: "the node's data directory, which holds lienthong.pid (default: $LIENTHONG_DATA_DIR, else "
                    + ".lienthong)"),
            .value("pid-file", "FILE", help: "the node's pid file, instead of --data-dir"),
            .value(
                "timeout", "SECONDS", help: "how long to wait for the node's answer (default: 30)",
                format: ValueFormat(expected: "a number of seconds above zero") { (Double($0) ?? 0) > 0 }),
        ])

    let arguments: Arguments

    init(_ arguments: Arguments) { self.arguments = arguments }

    func run() async throws -> Int32 {
        let control: NodeControlFiles
        if let pidFile = arguments.option("pid-file") {
            control = NodeControlFiles(pidFile: URL(fileURLWithPath: pidFile))
        } else {
            let environment = ProcessInfo.processInfo.environment["LIENTHONG_DATA_DIR"]
            let data = arguments.option("data-dir") ?? environment.flatMap { $0.isEmpty ? nil : $0 } ?? ".lienthong"
            control = NodeControlFiles(dataDirectory: URL(fileURLWithPath: data))
        }
        let timeout = Double(arguments.option("timeout") ?? "30") ?? 30
        guard let pid = control.readPID() else {
            throw UsageError("reload: no node pid in \(control.pidFile.path) (is a node serving on it?)")
        }
        guard control.nodeHoldsLock() != false else {
            let directory = control.pidFile.deletingLastPathComponent().path
            throw UsageError("reload: no node serves on \(directory) (stale pid file)")
        }
        // The status file's attempt number tells this reload's answer from the last one.
        let before = control.readStatus().flatMap { $0.pid == pid ? $0.attempt : nil } ?? 0
        guard kill(pid, SIGHUP) == 0 else {
            throw UsageError("reload: no node runs with pid \(pid) (stale \(control.pidFile.lastPathComponent))")
        }
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let status = control.readStatus(), status.pid == pid, status.attempt > before {
                for line in status.log { print(line) }
                return status.applied ? 0 : 1
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        FileHandle.standardError.write(Data("lienthong: node \(pid) did not answer the reload in \(timeout) s\n".utf8))
        return 1
    }
}
