import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongJSON
import LienthongTesting
import LienthongTrust
import Synchronization
import Testing

/// SIGHUP and `lienthong reload` on the built binary: configuration and signing keys change without a restart and
/// without a failed request; a bad configuration is refused and the node keeps serving on the one it runs.
@Suite(.serialized)
struct ReloadTests {
    static let person = "/v1/records/population/096089760382"
    static let provider = "VN/GOV/BCA/DANCU"
    static let motcua = "VN/GOV/HCM/MOTCUA"

    /// Runs `lienthong` with `arguments` off the test's threads (the clients of a test keep running meanwhile).
    static func lienthong(_ arguments: [String]) async throws -> ChildProcess.Output {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try ChildProcess.run(GatewayProcess.binary, arguments) })
            }
        }
    }

    /// `lienthong reload --data-dir` for `gateway`.
    static func reload(_ gateway: GatewayProcess) async throws -> ChildProcess.Output {
        try await lienthong(["reload", "--data-dir", gateway.dataDirectory.path])
    }

    /// Adds `purpose` to the grant of MOTCUA on the population service in the configuration's grants.json.
    static func grantPurpose(_ purpose: String, in configDirectory: URL) throws {
        let file = configDirectory.appendingPathComponent("grants.json")
        var grants = try JSONValue.parse(Array(try Data(contentsOf: file))).arrayValue ?? []
        let index = try #require(
            grants.firstIndex {
                $0["consumer"]?.stringValue == motcua && $0["service"]?.stringValue == "\(provider)/person"
            })
        var grant = try #require(grants[index].objectValue)
        grant["purposes"] = .array((grant["purposes"]?.arrayValue ?? []) + [.string(purpose)])
        grants[index] = .object(grant)
        try Data(JSONValue.array(grants).serializedBytes(pretty: true)).write(to: file)
    }

    /// A lookup of the demo person as MOTCUA for `purpose`.
    static func lookUp(
        _ gateway: GatewayProcess, purpose: String, client: HTTPClient
    ) async throws -> HTTPClientResponse {
        let token = try gateway.token("motcua.token")
        return try await gateway.get(
            person, headers: ["Authorization": "Bearer \(token)", "Lienthong-Purpose": purpose], client: client)
    }

    /// The `kid` of an envelope's origin signature.
    static func keyID(_ envelope: JSONValue) throws -> String {
        let protected = try #require(envelope["signatures"]?.arrayValue?.first?["protected"]?.stringValue)
        return try #require(try JSONValue.parse(try Base64URL.decode(protected))["kid"]?.stringValue)
    }

    /// Counts of the load clients, and the flag that stops them.
    final class Load: Sendable {
        let stop = Atomic<Bool>(false)
        let succeeded = Atomic<Int>(0)
        let failed = Atomic<Int>(0)
    }

    @Test func tenReloadsUnderSixteenClientsFailNoRequestAndANewGrantTakesEffect() async throws {
        let config = try GatewayProcess.demoConfiguration()
        let gateway = try GatewayProcess(configDirectory: config)
        defer { gateway.stop() }
        let probe = gateway.client()
        #expect(try await Self.lookUp(gateway, purpose: "tax-administration", client: probe).status == 403)

        let load = Load()
        let clients = Task {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        let client = gateway.client()
                        defer { client.shutdown() }
                        while !load.stop.load(ordering: .relaxed) {
                            let status = try? await Self.lookUp(
                                gateway, purpose: "residence-verification", client: client
                            ).status
                            if status == 200 {
                                load.succeeded.add(1, ordering: .relaxed)
                            } else {
                                load.failed.add(1, ordering: .relaxed)
                            }
                        }
                    }
                }
            }
        }
        /// Waits (bounded) until the clients have finished `count` more lookups, so each reload meets traffic.
        func awaitLookups(_ count: Int) async throws {
            let target = load.succeeded.load(ordering: .relaxed) + load.failed.load(ordering: .relaxed) + count
            let done = try await Poll.until(within: .seconds(60), every: .milliseconds(10)) {
                load.succeeded.load(ordering: .relaxed) + load.failed.load(ordering: .relaxed) >= target
            }
            guard done else { throw GatewayProcessError(message: "the clients stalled") }
        }

        try await awaitLookups(32)
        try Self.grantPurpose("tax-administration", in: config)
        for round in 1...10 {
            let reload = try await Self.reload(gateway)
            #expect(reload.status == 0, "\(reload.stdout)\(reload.stderr)")
            #expect(reload.stdout.contains("reload \(round) applied"))
            if round == 1 {
                // The grant added before the first reload is in force right after it.
                #expect(try await Self.lookUp(gateway, purpose: "tax-administration", client: probe).status == 200)
            }
            try await awaitLookups(16)
        }
        load.stop.store(true, ordering: .relaxed)
        await clients.value
        #expect(load.failed.load(ordering: .relaxed) == 0)
        #expect(load.succeeded.load(ordering: .relaxed) >= 32 + 10 * 16)

        // SIGTERM after the reloads still ends cleanly with the audit flushed and the pid file gone.
        #expect(gateway.stop() == 0)
        #expect(try AuditLog.verify(path: gateway.auditPath).isValid)
        let pidFile = gateway.dataDirectory.appendingPathComponent("lienthong.pid")
        #expect(!FileManager.default.fileExists(atPath: pidFile.path))
    }

    @Test func anInvalidConfigurationIsRefusedAndTheNodeKeepsServingTheOldOne() async throws {
        let config = try GatewayProcess.demoConfiguration()
        let gateway = try GatewayProcess(configDirectory: config)
        defer { gateway.stop() }
        let client = gateway.client()
        // A grant that would allow the lookup, beside one that names a purpose nobody declared.
        try Self.grantPurpose("tax-administration", in: config)
        try Self.grantPurpose("no-such-purpose", in: config)

        let refused = try await Self.reload(gateway)
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("reload refused"))
        #expect(refused.stdout.contains("grants.json#/0/purposes/3: unknown purpose no-such-purpose"))
        #expect(gateway.process.isRunning)
        #expect(try await Self.lookUp(gateway, purpose: "residence-verification", client: client).status == 200)
        #expect(try await Self.lookUp(gateway, purpose: "tax-administration", client: client).status == 403)

        // Once the configuration is fixed, the next reload applies it; a limit changed beside it waits for a restart.
        try Self.removeLastPurpose(in: config)
        try GatewayProcess.editJSON(config.appendingPathComponent("node.json")) { node in
            var limits = node["limits"]?.objectValue ?? [:]
            limits["maxBodyBytes"] = .number(JSONNumber(2_097_152))
            node["limits"] = .object(limits)
        }
        let applied = try await Self.reload(gateway)
        #expect(applied.status == 0, "\(applied.stdout)")
        #expect(applied.stdout.contains("changed but applied only by a restart (kept as running): limits\n"))
        #expect(try await Self.lookUp(gateway, purpose: "tax-administration", client: client).status == 200)
    }

    @Test func reloadSignalsNoProcessThroughAStalePidFile() async throws {
        let gateway = try GatewayProcess()
        let pidFile = gateway.dataDirectory.appendingPathComponent("lienthong.pid")
        #expect(try String(contentsOf: pidFile, encoding: .utf8) == "\(gateway.process.processIdentifier)\n")
        #expect(gateway.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: pidFile.path))
        let none = try await Self.reload(gateway)
        #expect(none.status == 2)
        #expect(none.stderr.contains("no node pid"))

        // A pid file left by a node that died, its pid now another program's: that program gets no signal.
        let bystander = Process()
        bystander.executableURL = URL(fileURLWithPath: "/bin/sleep")
        bystander.arguments = ["60"]
        try bystander.run()
        defer { bystander.terminate() }
        try Data("\(bystander.processIdentifier)\n".utf8).write(to: pidFile)
        let stale = try await Self.reload(gateway)
        #expect(stale.status == 2)
        #expect(stale.stderr.contains("stale pid file"))
        #expect(bystander.isRunning)
    }

    /// Drops the last purpose of MOTCUA's population grant.
    static func removeLastPurpose(in configDirectory: URL) throws {
        let file = configDirectory.appendingPathComponent("grants.json")
        var grants = try JSONValue.parse(Array(try Data(contentsOf: file))).arrayValue ?? []
        var grant = try #require(grants[0].objectValue)
        grant["purposes"] = .array(Array((grant["purposes"]?.arrayValue ?? []).dropLast()))
        grants[0] = .object(grant)
        try Data(JSONValue.array(grants).serializedBytes(pretty: true)).write(to: file)
    }

    @Test func rotateAndReloadChangeTheKidWhileEarlierEnvelopesStillVerify() async throws {
        let config = try GatewayProcess.demoConfiguration()
        let gateway = try GatewayProcess(configDirectory: config)
        defer { gateway.stop() }
        let client = gateway.client()
        let data = gateway.dataDirectory
        let keysDirectory = data.appendingPathComponent("keys")

        // The development PKI is the store's first import: the node signs with the store's current key.
        let before = try await Self.lookUp(gateway, purpose: "residence-verification", client: client)
        #expect(before.status == 200)
        let firstKeyID = try Self.keyID(before.json)
        let developmentCertificate = try Certificate.loadChain(
            from: data.appendingPathComponent("pki/signing-VN_GOV_BCA_DANCU.crt.pem"))[0]
        #expect(firstKeyID == developmentCertificate.sha256Thumbprint)

        // The production path: a new key, its CSR answered by a CA (here the development intermediate), import, rotate.
        let keys = ["--provider", Self.provider, "--keys-dir", keysDirectory.path]
        let generated = try await Self.lienthong(["keys", "generate"] + keys)
        #expect(generated.status == 0, "\(generated.stderr)")
        let csrFile = data.appendingPathComponent("dancu.csr.pem")
        #expect(try await Self.lienthong(["keys", "csr", "--out", csrFile.path] + keys).status == 0)
        let intermediate = try CertificateIssuer(
            certificate: try Certificate.loadChain(from: data.appendingPathComponent("pki/intermediate-ca.crt.pem"))[0],
            key: try SigningKey.load(from: data.appendingPathComponent("pki/intermediate-ca.key.pem"))
        )
        let issued = try intermediate.issue(
            .nodeSigning, for: try CertificateSigningRequest(pem: try String(contentsOf: csrFile, encoding: .utf8)),
            notBefore: Date() - 60, notAfter: Date() + 30 * 86_400
        )
        let chainFile = data.appendingPathComponent("dancu.crt.pem")
        try Data((issued.pemString + intermediate.certificate.pemString).utf8).write(to: chainFile)
        let imported = try await Self.lienthong(["keys", "import", "--certificate", chainFile.path] + keys)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try await Self.lienthong(["keys", "rotate"] + keys).status == 0)

        // The running node signs with the old key until it reloads; then with the new one, without a restart.
        let unreloaded = try await Self.lookUp(gateway, purpose: "residence-verification", client: client)
        #expect(try Self.keyID(unreloaded.json) == firstKeyID)
        let reload = try await Self.reload(gateway)
        #expect(reload.status == 0, "\(reload.stdout)")
        #expect(reload.stdout.contains("\(Self.provider) signs with kid \(issued.sha256Thumbprint)"))
        let after = try await Self.lookUp(gateway, purpose: "residence-verification", client: client)
        #expect(after.status == 200)
        #expect(try Self.keyID(after.json) == issued.sha256Thumbprint)
        #expect(gateway.process.isRunning)
        // The earlier key stays in the store, by kid, no longer current.
        let listed = try await Self.lienthong(["keys", "list", "--keys-dir", keysDirectory.path]).stdout
        let dancu = listed.split(separator: "\n").filter { $0.hasPrefix("\(Self.provider)\t") }
        #expect(dancu.count == 2)
        #expect(dancu.contains { $0.contains("\t\(firstKeyID)\t") && !$0.hasSuffix("*") })
        #expect(dancu.contains { $0.contains("\t\(issued.sha256Thumbprint)\t") && $0.hasSuffix("*") })

        // The envelope signed before the rotation still verifies, and so does the new one.
        for (name, body) in [("before", before.body), ("after", after.body)] {
            let file = data.appendingPathComponent("envelope-\(name).json")
            try Data(body).write(to: file)
            let verified = try await Self.lienthong(["verify", file.path, "--trust-anchor", gateway.rootCA])
            #expect(verified.status == 0, "\(name): \(verified.stdout)\(verified.stderr)")
        }

        // No key is readable by another user: 0700 directories, 0600 key files.
        func mode(_ url: URL) throws -> Int {
            try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
        }
        let providerDirectory = keysDirectory.appendingPathComponent("VN_GOV_BCA_DANCU")
        #expect(try mode(keysDirectory) == 0o700)
        #expect(try mode(providerDirectory) == 0o700)
        let keyFiles = try FileManager.default.contentsOfDirectory(atPath: providerDirectory.path)
            .filter { $0.hasSuffix(".key.pem") }
        #expect(keyFiles.count == 2)
        for file in keyFiles { #expect(try mode(providerDirectory.appendingPathComponent(file)) == 0o600) }

        // A restart keeps the imported key: the store, not the development PKI, decides.
        #expect(gateway.stop() == 0)
        let restarted = try GatewayProcess(configDirectory: config, dataDirectory: data)
        defer { restarted.stop() }
        let again = try await Self.lookUp(restarted, purpose: "residence-verification", client: restarted.client())
        #expect(try Self.keyID(again.json) == issued.sha256Thumbprint)
    }

    /// The development PKI stays only the store's first import: a key the operator rotated to survives a restart,
    /// and a development PKI created anew (its directory deleted) becomes current again, so the demo's envelopes
    /// keep verifying against the development root it prints.
    @Test func aDevelopmentPKICreatedAnewIsSignedWithAfterARestart() async throws {
        let config = try GatewayProcess.demoConfiguration()
        let first = try GatewayProcess(configDirectory: config)
        let data = first.dataDirectory
        #expect(first.stop() == 0)
        try FileManager.default.removeItem(at: data.appendingPathComponent("pki"))

        let second = try GatewayProcess(configDirectory: config, dataDirectory: data)
        defer { second.stop() }
        let response = try await Self.lookUp(second, purpose: "residence-verification", client: second.client())
        #expect(response.status == 200)
        let renewed = try Certificate.loadChain(
            from: data.appendingPathComponent("pki/signing-VN_GOV_BCA_DANCU.crt.pem"))
        #expect(try Self.keyID(response.json) == renewed[0].sha256Thumbprint)
        let file = data.appendingPathComponent("envelope.json")
        try Data(response.body).write(to: file)
        let verified = try await Self.lienthong(["verify", file.path, "--trust-anchor", second.rootCA])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
    }
}
