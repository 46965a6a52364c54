import Foundation
import LienthongAudit
import LienthongJSON
import LienthongTesting
import LienthongTrust
import Testing

/// A node whose signing keys live in a SoftHSM2 token, through the built binary: keys made in the token with
/// `lienthong keys`, the node signing envelopes and audit checkpoints with them, rotating on `lienthong reload`.
///
/// Skipped locally when SoftHSM2 is missing; in CI (`CI` set) it fails instead, so it never skips unnoticed.
@Suite(.serialized)
struct TokenKeyGatewayTests {
    static let provider = ReloadTests.provider
    static let pinVariable = "LIENTHONG_TEST_TOKEN_PIN"

    /// Runs `lienthong` with the token's environment, off the test's threads.
    static func lienthong(_ arguments: [String], _ token: SoftHSMToken) async throws -> ChildProcess.Output {
        let environment = token.environment.merging([pinVariable: token.pin]) { $1 }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result { try ChildProcess.run(GatewayProcess.binary, arguments, environment: environment) })
            }
        }
    }

    /// Generates a key in the token, has the development intermediate answer its CSR, imports and rotates to it.
    /// - Returns: the new certificate.
    static func tokenKey(_ gateway: GatewayProcess, _ token: SoftHSMToken) async throws -> Certificate {
        let data = gateway.dataDirectory
        let keys = ["--provider", provider, "--keys-dir", data.appendingPathComponent("keys").path]
        let tokenOptions = ["--token", token.label, "--pin-env", pinVariable]
        let generated = try await lienthong(["keys", "generate"] + keys + tokenOptions, token)
        #expect(generated.status == 0, "\(generated.stderr)")
        #expect(generated.stdout.contains("key: pkcs11:token=\(token.label);id=%"))
        let csrFile = data.appendingPathComponent("token-\(UUID().uuidString).csr.pem")
        let csr = try await lienthong(["keys", "csr", "--out", csrFile.path] + keys + tokenOptions, token)
        #expect(csr.status == 0, "\(csr.stderr)")
        let intermediate = try CertificateIssuer(
            certificate: try Certificate.loadChain(from: data.appendingPathComponent("pki/intermediate-ca.crt.pem"))[0],
            key: try SigningKey.load(from: data.appendingPathComponent("pki/intermediate-ca.key.pem")))
        let issued = try intermediate.issue(
            .nodeSigning, for: try CertificateSigningRequest(pem: try String(contentsOf: csrFile, encoding: .utf8)),
            notBefore: Date() - 60, notAfter: Date() + 30 * 86_400)
        let chainFile = data.appendingPathComponent("token-\(UUID().uuidString).crt.pem")
        try Data((issued.pemString + intermediate.certificate.pemString).utf8).write(to: chainFile)
        let imported = try await lienthong(["keys", "import", "--certificate", chainFile.path] + keys, token)
        #expect(imported.status == 0, "\(imported.stderr)")
        let rotated = try await lienthong(["keys", "rotate"] + keys, token)
        #expect(rotated.status == 0, "\(rotated.stderr)")
        return issued
    }

    /// Looks the demo person up, checks the envelope's `kid`, and verifies the envelope with `lienthong verify`.
    static func lookUpAndVerify(
        _ gateway: GatewayProcess, kid: String, _ token: SoftHSMToken
    ) async throws -> [UInt8] {
        let response = try await ReloadTests.lookUp(
            gateway, purpose: "residence-verification", client: gateway.client())
        #expect(response.status == 200)
        #expect(try ReloadTests.keyID(response.json) == kid)
        let file = gateway.dataDirectory.appendingPathComponent("envelope-\(UUID().uuidString).json")
        try Data(response.body).write(to: file)
        let verified = try await lienthong(["verify", file.path, "--trust-anchor", gateway.rootCA], token)
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        return response.body
    }

    @Test(
        .enabled(if: SoftHSMToken.installed || SoftHSMToken.inCI, "\(SoftHSMToken.missing)"),
        .timeLimit(.minutes(3)))
    func aNodeSignsWithTokenKeysAndRotatesBetweenThemOnReload() async throws {
        try #require(SoftHSMToken.installed, "\(SoftHSMToken.missing)")
        let token = try SoftHSMToken.create(label: "lienthong-e2e")
        defer { try? FileManager.default.removeItem(at: token.directory) }
        let config = try GatewayProcess.demoConfiguration { directory in
            try GatewayProcess.editJSON(directory.appendingPathComponent("node.json")) { node in
                node["pkcs11"] = ["tokenLabel": .string(token.label), "pinEnvironment": .string(Self.pinVariable)]
            }
        }
        let environment = token.environment.merging([Self.pinVariable: token.pin]) { $1 }
        let checked = try await Self.lienthong(["config", "check", config.path], token)
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        let gateway = try GatewayProcess(
            configDirectory: config, environment: environment, captureStandardError: true)
        defer { gateway.stop() }
        let data = gateway.dataDirectory

        // First token key: made in the token, certified, current after a reload.
        let first = try await Self.tokenKey(gateway, token)
        let reload = try await ReloadTests.reload(gateway)
        #expect(reload.status == 0, "\(reload.stdout)\(reload.stderr)")
        #expect(reload.stdout.contains("\(Self.provider) signs with kid \(first.sha256Thumbprint)"))
        let firstEnvelope = try await Self.lookUpAndVerify(gateway, kid: first.sha256Thumbprint, token)

        // Second token key: rotate, reload, and the node signs with it; the first envelope still verifies.
        let second = try await Self.tokenKey(gateway, token)
        #expect(try await ReloadTests.reload(gateway).status == 0)
        _ = try await Self.lookUpAndVerify(gateway, kid: second.sha256Thumbprint, token)
        let earlier = data.appendingPathComponent("envelope-first.json")
        try Data(firstEnvelope).write(to: earlier)
        #expect(
            try await Self.lienthong(["verify", earlier.path, "--trust-anchor", gateway.rootCA], token).status == 0)

        // The store keeps references only: no key file, and no private key in any file, for a token key.
        let providerDirectory = data.appendingPathComponent("keys/VN_GOV_BCA_DANCU")
        let listed = try await Self.lienthong(
            ["keys", "list", "--keys-dir", data.appendingPathComponent("keys").path], token)
        let tokenVersions = listed.stdout.split(separator: "\n").filter { $0.contains("\tpkcs11\t") }
            .map { String($0.split(separator: "\t")[1]) }
        #expect(tokenVersions.count == 2)
        for version in tokenVersions {
            let files = try FileManager.default.contentsOfDirectory(atPath: providerDirectory.path)
                .filter { $0.hasPrefix("\(version).") }.sorted()
            #expect(files == ["\(version).crt.pem", "\(version).key.uri", "\(version).pub.pem"])
            for file in files {
                let text = try String(contentsOf: providerDirectory.appendingPathComponent(file), encoding: .utf8)
                #expect(!text.contains("PRIVATE KEY"), "\(file)")
            }
        }
        let objects = try token.listObjects()
        #expect(objects.components(separatedBy: "never extractable").count - 1 == 2, "\(objects)")

        // Restarted on the token key, the node signs its audit checkpoints with it too.
        #expect(gateway.stop() == 0)
        let restarted = try GatewayProcess(
            configDirectory: config, dataDirectory: data, environment: environment, captureStandardError: true)
        defer { restarted.stop() }
        _ = try await Self.lookUpAndVerify(restarted, kid: second.sha256Thumbprint, token)
        #expect(restarted.stop() == 0)
        let checkpoint = try #require(try AuditLog.checkpoints(path: restarted.auditPath).last)
        let header = try JSONValue.parse(try Base64URL.decode(checkpoint.signature.protected))
        #expect(header["kid"]?.stringValue == second.sha256Thumbprint)
        let audit = try await Self.lienthong(
            ["audit", "verify", restarted.auditPath, "--trust-anchor", restarted.rootCA], token)
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")

        // The PIN appears in no output of the node's.
        for node in [gateway, restarted] {
            let output = (node.standardOutput?.all ?? "") + (node.standardError?.all ?? "")
            #expect(output.contains("listening") || output.contains("lienthong"), "the output was read")
            #expect(!output.contains(token.pin))
        }
    }
}
