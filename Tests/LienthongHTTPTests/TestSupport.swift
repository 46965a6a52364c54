import Foundation
import LienthongHTTP
import Testing

/// Answers with a JSON description of the request it received.
struct EchoHandler: HTTPHandler {
    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let summary: [String: Any] = [
            "method": request.method.rawValue,
            "path": request.path,
            "query": request.query ?? "",
            "bodyLength": request.body.count,
            "isTLS": request.isTLS,
            "chain": request.clientCertificateChain.count,
            "rejected": request.clientCertificateRejected,
            "remote": request.remoteAddress,
            "header": request.headers["x-test"] ?? "",
        ]
        let data = try! JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys])
        return .json(Array(data))
    }
}

/// Runs `body` against a started server and shuts it down afterwards.
@discardableResult
func withServer<T: Sendable>(
    _ configuration: HTTPServerConfiguration = .init(eventLoops: 2),
    handler: any HTTPHandler = EchoHandler(),
    _ body: (HTTPServer, Int) async throws -> T
) async throws -> T {
    let server = HTTPServer(configuration: configuration, handler: handler)
    let port = try await server.start()
    let running = Task { try await server.run() }
    do {
        let result = try await body(server, port)
        server.shutdown()
        try await running.value
        return result
    } catch {
        server.shutdown()
        try? await running.value
        throw error
    }
}

/// The output of a command-line tool.
struct ToolOutput {
    var status: Int32
    var stdout: Data
    var stderr: String
}

/// Runs a command-line tool to completion off the cooperative pool.
func runTool(_ executable: String, _ arguments: [String], input: Data? = nil) async throws -> ToolOutput {
    try await withCheckedThrowingContinuation { continuation in
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            continuation.resume(throwing: error)
            return
        }
        Thread {
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            continuation.resume(
                returning: ToolOutput(
                    status: process.terminationStatus, stdout: stdout,
                    stderr: String(decoding: stderr, as: UTF8.self)))
        }.start()
    }
}

/// Decodes a JSON object body.
func jsonObject(_ bytes: [UInt8]) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
}
