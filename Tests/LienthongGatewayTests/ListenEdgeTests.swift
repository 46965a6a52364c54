import Foundation
import LienthongHTTP
import LienthongJSON
import LienthongTesting
import Testing

/// The node's listening edge seen through the binary (issues #17, #20).
@Suite(.serialized) struct ListenEdgeTests {
    @Test func aSecondNodeOnAnAddressInUseExitsWithAddressInUse() async throws {
        let gateway = try GatewayProcess()
        let process = Process()
        process.executableURL = GatewayProcess.binary
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-data-\(UUID().uuidString)")
        process.arguments = [
            "serve", "--config", gateway.configDirectory.path, "--data-dir", data.path,
            "--listen", "127.0.0.1:\(gateway.port)", "--admin-listen", "127.0.0.1:0",
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(message.contains("address in use"), "\(message)")
        // The first node keeps all of its traffic.
        let response = try await gateway.get("/healthz", client: gateway.client())
        #expect(response.status == 200)
    }

    @Test func plainHTTPToTheNodeGetsA400SayingSo() async throws {
        let gateway = try SharedGateway.get()
        let output = try runCurl(["-s", "-i", "http://127.0.0.1:\(gateway.port)/healthz"])
        #expect(output.hasPrefix("HTTP/1.1 400 "), "\(output)")
        #expect(output.contains("\"code\":\"plain-http-to-tls-port\""))
    }

    @Test func theNodeConfigurationSetsTheHandshakeDeadline() async throws {
        let configuration = try GatewayProcess.demoConfiguration { directory in
            try GatewayProcess.editJSON(directory.appendingPathComponent("node.json")) { node in
                var limits = node["limits"]?.objectValue ?? [:]
                limits["handshakeTimeoutSeconds"] = .number(JSONNumber(0.3))
                node["limits"] = .object(limits)
            }
        }
        let gateway = try GatewayProcess(configDirectory: configuration)
        let clock = ContinuousClock()
        let start = clock.now
        let fd = try Loopback.connect(port: gateway.port)
        defer { close(fd) }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        // Nothing sent, not even a TLS hello: the node closes the connection at the 0.3 s handshake deadline,
        // where the default (10 s) would outlast this 5 s read.
        var byte: UInt8 = 0
        #expect(recv(fd, &byte, 1, 0) == 0)
        #expect(clock.now - start < .seconds(4))
    }

    private func runCurl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
