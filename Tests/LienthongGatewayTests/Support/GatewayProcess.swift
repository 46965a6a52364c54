import Foundation
import LienthongHTTP
import LienthongJSON
import Testing
import LienthongTesting

/// Child processes to stop when the test process exits.
nonisolated(unsafe) private var childProcessIDs: [Int32] = []

/// A `lienthong serve` process started from the built binary on a free port with a temporary data directory.
final class GatewayProcess: @unchecked Sendable {
    // @unchecked: every stored property is set once in init.
    let process: Process
    let port: Int
    /// The admin listener's port.
    let adminPort: Int
    let dataDirectory: URL
    let configDirectory: URL
    let output: Pipe
    /// Standard output after the banner's first line, read as it comes (`nil` when not drained).
    let standardOutput: OutputCollector?
    /// Standard error, when captured (otherwise it goes to the test's own).
    let standardError: OutputCollector?

    /// The package root.
    static var root: URL { Repository.root }

    /// The built `lienthong` binary: `$LIENTHONG_BIN`, or beside the test bundle.
    static var binary: URL { Repository.executable("lienthong") }

    /// A copy of `config/demo` whose relative paths point back into the repository; `edit` may change its files.
    static func demoConfiguration(edit: (URL) throws -> Void = { _ in }) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-config-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: root.appendingPathComponent("config/demo"), to: directory)
        try editJSON(directory.appendingPathComponent("node.json")) { node in
            node["seeds"] = .string(root.appendingPathComponent("seeds").path)
            node["schemas"] = .string(root.appendingPathComponent("schemas").path)
        }
        try edit(directory)
        return directory
    }

    /// Adds the purpose `residence-verification` to every grant of the demo consumer VN/GOV/HCM/MOTCUA in the
    /// configuration `directory`, so that it may read every registry for it.
    static func grantResidenceVerificationToMOTCUA(in directory: URL) throws {
        let file = directory.appendingPathComponent("grants.json")
        var grants = try JSONValue.parse(Array(try Data(contentsOf: file))).arrayValue ?? []
        for index in grants.indices where grants[index]["consumer"] == "VN/GOV/HCM/MOTCUA" {
            var grant = grants[index].objectValue ?? [:]
            var purposes = grant["purposes"]?.arrayValue ?? []
            if !purposes.contains("residence-verification") { purposes.append("residence-verification") }
            grant["purposes"] = .array(purposes)
            grants[index] = .object(grant)
        }
        try Data(JSONValue.array(grants).serializedBytes()).write(to: file)
    }

    /// Reads a JSON object file, lets `change` edit the object, and writes it back.
    static func editJSON(_ file: URL, _ change: (inout JSONObject) throws -> Void) throws {
        var object = try JSONValue.parse(Array(try Data(contentsOf: file))).objectValue ?? [:]
        try change(&object)
        try Data(JSONValue.object(object).serializedBytes(pretty: true)).write(to: file)
    }

    /// Starts the gateway and waits for its banner.
    /// - Parameters:
    ///   - dataDirectory: an existing data directory to reuse (a restart); a new temporary one by default.
    ///   - environment: variables added to the test process's environment (e.g. `LIENTHONG_POSTGRES_URL`).
    ///   - drainOutput: read standard output on as it comes (its access log would fill the pipe and stall the
    ///     node); `false` leaves it to the test.
    ///   - captureStandardError: keep standard error for the test instead of passing it through.
    ///   - listen: the API listener's address; a free port by default (a restart may ask for the port it had).
    init(
        configDirectory: URL? = nil, dataDirectory: URL? = nil, environment: [String: String] = [:],
        drainOutput: Bool = true, captureStandardError: Bool = false, listen: String = "127.0.0.1:0"
    ) throws {
        self.configDirectory = try configDirectory ?? Self.demoConfiguration()
        self.dataDirectory = dataDirectory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-data-\(UUID().uuidString)")
        process = Process()
        process.executableURL = Self.binary
        process.arguments = [
            "serve", "--config", self.configDirectory.path, "--data-dir", self.dataDirectory.path, "--listen", listen,
            // The admin listener's default port would be shared by every node the tests start.
            "--admin-listen", "127.0.0.1:0",
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, added in added }
        output = Pipe()
        process.standardOutput = output
        let errorPipe = captureStandardError ? Pipe() : nil
        process.standardError = errorPipe ?? FileHandle.standardError
        try process.run()
        standardError = errorPipe.map { OutputCollector($0.fileHandleForReading) }
        childProcessIDs.append(process.processIdentifier)
        if childProcessIDs.count == 1 {
            atexit { for pid in childProcessIDs { kill(pid, SIGTERM) } }
        }
        // The banner's first line is `Lienthong <version> listening on https://127.0.0.1:<port>`, its second the
        // admin listener's address.
        var text = ""
        while text.split(separator: "\n", omittingEmptySubsequences: false).count < 3 {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw GatewayProcessError(message: "the gateway exited before listening") }
            text += String(decoding: chunk, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first, let colon = line.lastIndex(of: ":"),
            let port = Int(line[line.index(after: colon)...])
        else { throw GatewayProcessError(message: "unexpected banner: \(text)") }
        self.port = port
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let adminColon = lines[1].lastIndex(of: ":"),
            let adminPort = Int(lines[1][lines[1].index(after: adminColon)...])
        else { throw GatewayProcessError(message: "unexpected banner: \(text)") }
        self.adminPort = adminPort
        let rest = lines.dropFirst(2).joined(separator: "\n")
        standardOutput = drainOutput ? OutputCollector(output.fileHandleForReading, initial: rest) : nil
    }

    /// Sends SIGTERM and waits, at most `within`, for the process to exit; returns its exit status. A node still
    /// running then is an issue of the test, and is killed, rather than a test run that never ends.
    @discardableResult
    func stop(within: Duration = .seconds(60)) -> Int32 {
        if process.isRunning {
            process.terminate()
            if !Poll.blockingUntil(within: within, { !process.isRunning }) {
                Issue.record("the gateway (pid \(process.processIdentifier)) ignored SIGTERM for \(within); killed")
                kill(process.processIdentifier, SIGKILL)
            }
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    deinit { stop() }

    var baseURL: String { "https://127.0.0.1:\(port)" }
    var rootCA: String { dataDirectory.appendingPathComponent("pki/root-ca.crt.pem").path }
    func clientCertificate(_ consumer: String) -> (certificate: String, key: String) {
        let name = consumer.replacingOccurrences(of: "/", with: "_")
        return (
            dataDirectory.appendingPathComponent("pki/client-\(name).crt.pem").path,
            dataDirectory.appendingPathComponent("pki/client-\(name).key.pem").path
        )
    }
    func token(_ file: String) throws -> String {
        try String(contentsOf: dataDirectory.appendingPathComponent("secrets/\(file)"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    var auditPath: String { dataDirectory.appendingPathComponent("audit.sqlite").path }

    var adminURL: String { "https://127.0.0.1:\(adminPort)" }

    /// The development token of the demo operator with `role` (`viewer`, `operator`, `security-officer`).
    func adminToken(_ role: String) throws -> String { try token("admin-\(role).token") }

    /// A request to the admin listener, as the demo operator with `role` (none: no credential).
    func admin(
        _ path: String, method: HTTPMethod = .get, role: String? = "viewer", body: JSONValue? = nil, client: HTTPClient
    ) async throws -> HTTPClientResponse {
        var fields = HTTPHeaders()
        if let role { fields.add(name: "Authorization", value: "Bearer \(try adminToken(role))") }
        if body != nil { fields.add(name: "Content-Type", value: "application/json") }
        return try await client.send(
            HTTPClientRequest(
                url: adminURL + path, method: method, headers: fields, body: body?.serializedBytes() ?? []))
    }

    /// The admin listener's `/metrics` text, read as a viewer.
    func metrics(client: HTTPClient) async throws -> String {
        String(decoding: try await admin("/metrics", client: client).body, as: UTF8.self)
    }

    /// A client trusting the development root, optionally presenting a client certificate.
    func client(certificate: (certificate: String, key: String)? = nil) -> HTTPClient {
        HTTPClient(
            tls: TLSClientConfiguration(
                caFilePath: rootCA, certificatePath: certificate?.certificate, privateKeyPath: certificate?.key
            )
        )
    }

    /// A GET of `path` with `headers`.
    func get(_ path: String, headers: [String: String] = [:], client: HTTPClient) async throws -> HTTPClientResponse {
        var fields = HTTPHeaders()
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { fields.add(name: name, value: value) }
        return try await client.send(HTTPClientRequest(url: baseURL + path, headers: fields))
    }

    /// A POST of `body` to `path` with `headers`.
    func post(
        _ path: String, body: [UInt8], headers: [String: String] = [:], client: HTTPClient
    ) async throws -> HTTPClientResponse {
        var fields = HTTPHeaders()
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { fields.add(name: name, value: value) }
        return try await client.send(HTTPClientRequest(url: baseURL + path, method: .post, headers: fields, body: body))
    }
}

struct GatewayProcessError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// One demo gateway shared by the tests of this process (starting one takes a moment).
enum SharedGateway {
    private static let started: Result<GatewayProcess, any Error> = Result { try GatewayProcess() }
    static func get() throws -> GatewayProcess { try started.get() }
}

extension HTTPClientResponse {
    /// The body as JSON.
    var json: JSONValue { (try? JSONValue.parse(body)) ?? .null }
    /// The problem `code`, for problem responses.
    var problemCode: String? { json["code"]?.stringValue }
}
