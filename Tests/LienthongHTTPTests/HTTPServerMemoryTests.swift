import Foundation
@testable import LienthongHTTP
import LienthongTesting
import Testing

/// Memory after a burst of idle TLS connections (issue #20): it used to stay 123-155 MB above the start.
@Suite(.serialized) struct HTTPServerMemoryTests {
    let certs = TestCertificates.shared

    /// Opens `count` TLS connections, reports `open` and waits for a line on stdin before closing them all.
    static let clients = """
        import socket, ssl, sys
        port, count = int(sys.argv[1]), int(sys.argv[2])
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        held = []
        for index in range(count):
            try:
                held.append(context.wrap_socket(socket.create_connection(("127.0.0.1", port))))
            except Exception as error:
                sys.exit(f"connection {index}: {error}")
        print("open", flush=True)
        sys.stdin.readline()
        for connection in held:
            connection.close()
        """

    @Test func memoryComesBackAfterTwoThousandIdleTLSConnections() async throws {
        let configuration = HTTPServerConfiguration(
            tls: TLSServerConfiguration(
                certificateChainPath: certs.serverCertificatePath, privateKeyPath: certs.serverKeyPath,
                clientCAPath: certs.caPath),
            eventLoops: 2, maxConnectionsPerAddress: 5_000, headerTimeout: .seconds(60), handshakeTimeout: .seconds(60))
        // 2,000 connections need as many descriptors in this process and in the client child (which inherits).
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < 5_000, limit.rlim_max >= 5_000 {
            limit.rlim_cur = 5_000
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        try #require(limit.rlim_cur >= 5_000, "RLIMIT_NOFILE is \(limit.rlim_cur)")
        try await withServer(configuration) { server, port in
            /// Waits (bounded) until the loops have seen every connection of a burst close.
            func allClosed() async throws {
                let closed = try await Poll.until(within: .seconds(60), every: .milliseconds(50)) {
                    server.connectionsPerLoop.reduce(0, +) == 0
                }
                try #require(closed, "still open: \(server.connectionsPerLoop)")
            }
            // Warm up: the first connections allocate what every later one reuses (TLS tables, thread arenas).
            try await burst(port: port, count: 100)
            try await allClosed()
            let start = try residentBytes()
            let peak = try await burst(port: port, count: 2_000)
            // The client closing 2,000 connections is not the loops having freed them: a loaded machine may take
            // seconds to run the closes. Wait for that event first.
            try await allClosed()
            // The loops hand freed memory back once connections are gone (on their next tick); poll with a bound.
            var after = 0
            try await Poll.until(within: .seconds(5), every: .milliseconds(100)) {
                after = try residentBytes()
                return after <= start + 20 << 20
            }
            let megabytes = { (bytes: Int) in bytes >> 20 }
            #expect(peak > start, "start \(megabytes(start)) MB, peak \(megabytes(peak)) MB")
            #expect(after <= start + 20 << 20,
                "start \(megabytes(start)) MB, peak \(megabytes(peak)) MB, after \(megabytes(after)) MB")
        }
    }

    /// Holds `count` TLS connections open at once, then closes them; returns this process's RSS while they were open.
    @discardableResult
    private func burst(port: Int, count: Int) async throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", Self.clients, String(port), String(count)]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let line = output.fileHandleForReading.availableData
        #expect(String(decoding: line, as: UTF8.self).hasPrefix("open"))
        let peak = try residentBytes()
        input.fileHandleForWriting.write(Data("\n".utf8))
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return peak
    }

    private func residentBytes() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") })
        let kilobytes = try #require(Int(line.split(separator: " ")[1]))
        return kilobytes * 1024
    }
}
