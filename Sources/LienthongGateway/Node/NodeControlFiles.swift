public import Foundation
import LienthongJSON

/// The files in a data directory through which `lienthong reload` reaches the node running on it:
/// `lienthong.pid` (written once the node serves, removed when it stops) and `reload-status.json` (the outcome of
/// its last reload, with the attempt number and the node's pid).
public struct NodeControlFiles: Sendable {
    /// What the node wrote after its last reload.
    public struct Status: Sendable, Equatable {
        /// The node that reloaded.
        public var pid: Int32
        /// 1 for its first reload since start, and so on.
        public var attempt: Int
        /// Whether the reload was applied (else refused, the node kept what it ran).
        public var applied: Bool
        /// The lines the node logged about it.
        public var log: [String]
    }

    /// The pid file.
    public let pidFile: URL
    /// The status file, beside the pid file.
    public var statusFile: URL { pidFile.deletingLastPathComponent().appendingPathComponent("reload-status.json") }

    /// The control files of the node on `dataDirectory`.
    public init(dataDirectory: URL) { pidFile = dataDirectory.appendingPathComponent("lienthong.pid") }

    /// The control files beside a given pid file.
    public init(pidFile: URL) { self.pidFile = pidFile }

    /// Records this process as the node of the data directory.
    func writePID() throws {
        try Data("\(getpid())\n".utf8).write(to: pidFile, options: .atomic)
    }

    /// Removes the pid file if it still names this process.
    func removePID() {
        if readPID() == getpid() { try? FileManager.default.removeItem(at: pidFile) }
    }

    /// The pid in the pid file, if there is one.
    public func readPID() -> Int32? {
        guard let data = FileManager.default.contents(atPath: pidFile.path) else { return nil }
        return Int32(String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Whether a node holds the data directory's lock beside the pid file: `false` means the pid file is stale (its
    /// process may even be another program by now), `nil` that there is no lock file to ask.
    public func nodeHoldsLock() -> Bool? {
        let path = pidFile.deletingLastPathComponent().appendingPathComponent(DataDirectory.lockFileName).path
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        // Taking the lock would mean no node holds it; it is let go at once by closing the descriptor.
        return flock(descriptor, LOCK_EX | LOCK_NB) != 0
    }

    /// Writes the outcome of reload `attempt` (atomically: a reader never sees half of it).
    func writeStatus(attempt: Int, outcome: ReloadOutcome) throws {
        var applied = false
        if case .applied = outcome { applied = true }
        let status: JSONValue = [
            "pid": .number(JSONNumber(Int(getpid()))), "attempt": .number(JSONNumber(attempt)),
            "applied": .bool(applied),
            "log": .array(outcome.logLines.map { .string($0) }),
        ]
        try Data(status.serializedBytes()).write(to: statusFile, options: .atomic)
    }

    /// The last status the node wrote, if any.
    public func readStatus() -> Status? {
        guard let data = FileManager.default.contents(atPath: statusFile.path),
            let status = try? JSONValue.parse(Array(data)), let pid = status["pid"]?.numberValue?.int,
            let attempt = status["attempt"]?.numberValue?.int, let applied = status["applied"]?.boolValue
        else { return nil }
        let log = status["log"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return Status(pid: Int32(pid), attempt: attempt, applied: applied, log: log)
    }
}
