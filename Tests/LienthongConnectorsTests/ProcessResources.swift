import Foundation

/// Process resources, read from `/proc/self`.
enum ProcessResources {
    /// Open file descriptors (entries of `/proc/self/fd`).
    static func openFileDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
    }

    /// Open sockets among them.
    static func openSockets() -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return entries.filter {
            ((try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) ?? "").hasPrefix("socket:")
        }.count
    }

    /// Resident set size in kB (`VmRSS` of `/proc/self/status`).
    static func residentKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return -1 }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? -1
    }

    /// A loopback port with nothing listening (bound, then closed).
    static func refusedPort() throws -> Int {
        let listener = try RawTCPListener(.close)
        listener.stop()
        return listener.port
    }
}
