public import Foundation
import Synchronization

/// A throwaway JetStream cluster of `nats-server` processes on loopback: free ports, routes between every server, a
/// store directory per server under one temporary directory.
///
/// ```swift
/// let cluster = try await NATSCluster.start(servers: 3)
/// defer { cluster.stop() }
/// cluster.kill(1)   // kill -9 of the second server
/// ```
public final class NATSCluster: Sendable {
    /// One server: its ports and process.
    public struct Server: Sendable {
        /// Its `server_name`.
        public let name: String
        /// The client port.
        public let port: Int
        /// The monitoring port (`/healthz`).
        public let monitorPort: Int
        /// The route port.
        public let routePort: Int
        /// The process id.
        public let pid: Int32

        /// `nats://127.0.0.1:PORT`.
        public var url: String { "nats://127.0.0.1:\(port)" }
    }

    /// The temporary directory: configuration, store and log of each server.
    public let directory: URL
    /// The servers, in start order.
    public let servers: [Server]

    /// Every server's client URL.
    public var urls: [String] { servers.map(\.url) }
    /// Whether ``stop()`` ran: a second call (a test that stopped the cluster, then its `defer`) does nothing.
    private let stopped = Atomic(false)

    private init(directory: URL, servers: [Server]) {
        self.directory = directory
        self.servers = servers
    }

    /// Runs `body` with a new three-server cluster and an empty node directory, both stopped and removed after it.
    public static func withCluster(_ body: (NATSCluster, URL) async throws -> Void) async throws {
        let cluster = try await start()
        defer { cluster.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-node-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(cluster, directory)
    }

    /// Starts `count` servers with JetStream and routes to each other, and waits (at most `within`) until every one
    /// reports healthy, JetStream included.
    /// - Throws: ``ClusterError`` with the servers' logs when one does not start or become healthy.
    public static func start(servers count: Int = 3, within: Duration = .seconds(60)) async throws -> NATSCluster {
        // A port free when chosen may be taken by another process before a server binds it: choose again, at most
        // five tries in all, as scripts/postgres-cluster does.
        for _ in 1..<5 {
            do {
                return try await attempt(servers: count, within: within)
            } catch let error as ClusterError where error.output.contains("address already in use") {
                continue
            }
        }
        return try await attempt(servers: count, within: within)
    }

    /// One try of ``start(servers:within:)`` on ports chosen now; a server that exits ends the wait at once.
    private static func attempt(servers count: Int, within: Duration) async throws -> NATSCluster {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("lienthong-nats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Distinct: a port free when asked can be handed out again by the next ask.
        var taken = Set<Int>()
        func distinctPort() throws -> Int {
            while true {
                let port = try freePort()
                if taken.insert(port).inserted { return port }
            }
        }
        let ports = try (0..<count).map { _ in (try distinctPort(), try distinctPort(), try distinctPort()) }
        let routes = ports.map { "nats-route://127.0.0.1:\($0.2)" }.joined(separator: ", ")
        var servers: [Server] = []
        var processes: [Process] = []
        for (index, port) in ports.enumerated() {
            let name = "n\(index + 1)"
            let configuration = """
                server_name: \(name)
                listen: 127.0.0.1:\(port.0)
                http: 127.0.0.1:\(port.1)
                jetstream { store_dir: "\(directory.appendingPathComponent("store-\(name)").path)" }
                cluster { name: lienthong, listen: 127.0.0.1:\(port.2), routes: [\(routes)] }
                """
            let file = directory.appendingPathComponent("\(name).conf")
            try configuration.write(to: file, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["nats-server", "-c", file.path]
            process.standardInput = FileHandle.nullDevice
            let log = directory.appendingPathComponent("\(name).log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            do {
                process.standardOutput = try FileHandle(forWritingTo: log)
                process.standardError = process.standardOutput
                try process.run()
            } catch {
                // The servers started so far go with the directory.
                NATSCluster(directory: directory, servers: servers).stop()
                throw error
            }
            processes.append(process)
            servers.append(
                Server(
                    name: name, port: port.0, monitorPort: port.1, routePort: port.2, pid: process.processIdentifier))
        }
        let cluster = NATSCluster(directory: directory, servers: servers)
        var healthy = false
        try await Poll.until(within: within, every: .milliseconds(100)) {
            healthy = servers.allSatisfy { cluster.isHealthy($0) }
            // A server that exited (its port taken, say) will not become healthy: no use waiting.
            return healthy || processes.contains { !$0.isRunning }
        }
        guard healthy else {
            let logs = cluster.logs()
            cluster.stop()
            throw ClusterError(output: logs)
        }
        return cluster
    }

    /// Whether `server` answers its `/healthz` (JetStream current) with 200.
    public func isHealthy(_ server: Server) -> Bool {
        let output = try? ChildProcess.run(
            tool: "curl", ["-sf", "-o", "/dev/null", "http://127.0.0.1:\(server.monitorPort)/healthz"])
        return output?.status == 0
    }

    /// The client connections server `index` holds now (its `/connz`), or `nil` if it does not answer.
    public func connections(_ index: Int) -> Int? {
        guard let output = try? ChildProcess.run(
            tool: "curl", ["-sf", "http://127.0.0.1:\(servers[index].monitorPort)/connz"]), output.status == 0,
            let object = try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        else { return nil }
        return object["num_connections"] as? Int
    }

    /// What the first server that answers its `/jsz` reports of stream `name` (`state`, `cluster` with its
    /// `leader`, …), or `nil` if none reports it.
    public func stream(_ name: String) -> [String: Any]? {
        func find(_ value: Any) -> [String: Any]? {
            if let object = value as? [String: Any] {
                if object["name"] as? String == name, object["state"] != nil { return object }
                return object.values.lazy.compactMap(find).first
            }
            return (value as? [Any])?.lazy.compactMap(find).first
        }
        for server in servers {
            guard
                let output = try? ChildProcess.run(
                    tool: "curl", ["-sf", "http://127.0.0.1:\(server.monitorPort)/jsz?accounts=true&streams=true"]),
                output.status == 0, let json = try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8)),
                let stream = find(json)
            else { continue }
            return stream
        }
        return nil
    }

    /// kill -9 of server `index`.
    public func kill(_ index: Int) {
        _ = Glibc.kill(servers[index].pid, SIGKILL)
    }

    /// Stops every server still running and deletes the directory; once.
    public func stop() {
        guard !stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for server in servers { _ = Glibc.kill(server.pid, SIGTERM) }
        // Foundation reaps its children: a server is gone once its pid no longer answers signal 0.
        for server in servers where !Poll.blockingUntil(within: .seconds(10), { Glibc.kill(server.pid, 0) != 0 }) {
            _ = Glibc.kill(server.pid, SIGKILL)
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Every server's log, for a failure message.
    public func logs() -> String {
        servers.map { server in
            let log = directory.appendingPathComponent("\(server.name).log")
            return "--- \(server.name)\n" + ((try? String(contentsOf: log, encoding: .utf8)) ?? "")
        }.joined(separator: "\n")
    }

    /// A port nothing listens on now: bound to 0 and closed, so the kernel's choice is free for a moment.
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// The cluster did not become healthy; carries the servers' logs.
    public struct ClusterError: Error, CustomStringConvertible {
        /// The servers' logs.
        public let output: String
        public var description: String { "the NATS cluster did not become healthy:\n\(output)" }
    }
}
