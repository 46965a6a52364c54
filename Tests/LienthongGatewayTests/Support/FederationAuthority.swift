import Foundation
import LienthongJSON
import LienthongTesting
import Testing

/// The federation's authority for the end-to-end tests: a development PKI with its configuration-signing
/// certificate, a copy of `config/federation` to edit, and `lienthong federation publish` into any file.
struct FederationAuthority {
    static let id = "VN/GOV/BTTTT/FEDERATION"

    let directory: URL
    /// The configuration directory `publish` reads.
    var configuration: URL { directory.appendingPathComponent("config") }
    /// The configuration anchor a node installs: the signing certificate (with its intermediate), then the root.
    var anchor: URL { directory.appendingPathComponent("anchor.pem") }
    private var pki: URL { directory.appendingPathComponent("pki") }

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("lienthong-authority-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: Repository.root.appendingPathComponent("config/federation"), to: configuration)
        let created = try ChildProcess.run(
            GatewayProcess.binary, ["pki", "init", pki.path, "--provider", Self.id])
        try #require(created.status == 0, "\(created.stderr)")
        let chain = try String(
            contentsOf: pki.appendingPathComponent("signing-VN_GOV_BTTTT_FEDERATION.crt.pem"), encoding: .utf8)
        let root = try String(contentsOf: pki.appendingPathComponent("root-ca.crt.pem"), encoding: .utf8)
        try (chain + root).write(to: anchor, atomically: true, encoding: .utf8)
    }

    /// Publishes the configuration directory into `out`, one version above what `out` held, and expects success.
    @discardableResult
    func publish(to out: URL, validFor seconds: Int? = nil) throws -> ChildProcess.Output {
        let output = try tryPublishing(to: out, validFor: seconds)
        #expect(output.status == 0, "\(output.stdout)\(output.stderr)")
        return output
    }

    /// Runs `lienthong federation publish` into `out`, whatever it answers.
    func tryPublishing(to out: URL, validFor seconds: Int? = nil) throws -> ChildProcess.Output {
        try ChildProcess.run(
            GatewayProcess.binary,
            [
                "federation", "publish", "--config", configuration.path,
                "--key", pki.appendingPathComponent("signing-VN_GOV_BTTTT_FEDERATION.key.pem").path,
                "--cert", pki.appendingPathComponent("signing-VN_GOV_BTTTT_FEDERATION.crt.pem").path,
                "--out", out.path, "--schemas", Repository.root.appendingPathComponent("schemas").path,
            ] + (seconds.map { ["--valid-for", String($0)] } ?? []))
    }

    /// Edits one JSON array file of the configuration directory.
    func edit(_ file: String, _ change: (inout [JSONValue]) -> Void) throws {
        let url = configuration.appendingPathComponent(file)
        var items = try JSONValue.parse(Array(try Data(contentsOf: url))).arrayValue ?? []
        change(&items)
        try Data(JSONValue.array(items).serializedBytes(pretty: true)).write(to: url)
    }

    /// A node's `federation` section for an authority answering on `port` with the development root `rootCA`.
    func nodeSection(port: Int, rootCA: String, refreshSeconds: Double = 0.2, graceSeconds: Double = 600) -> JSONValue {
        .object([
            "authorityURL": .string("https://127.0.0.1:\(port)/v1/federation/configuration"),
            "anchor": .string(anchor.path),
            "authorityCAFile": .string(rootCA),
            "refreshSeconds": .number(JSONNumber(refreshSeconds)),
            "expiryGraceSeconds": .number(JSONNumber(graceSeconds)),
        ])
    }
}
