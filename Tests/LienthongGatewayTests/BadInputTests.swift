import Foundation
import LienthongAudit
import LienthongHTTP
import LienthongJSON
import LienthongTrust
import Testing
import LienthongTesting

/// Every bad input gets an RFC 9457 problem with the right status and a stable code, and nothing crashes.
@Suite(.serialized)
struct BadInputTests {
    let personalID = (try? Seeds.rows("population.csv").first?["so_dinh_danh"]) ?? nil

    func expectProblem(
        _ response: HTTPClientResponse, _ status: Int, _ code: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response.status == status, sourceLocation: sourceLocation)
        #expect(response.problemCode == code, sourceLocation: sourceLocation)
        #expect(response.headers["Content-Type"] == "application/problem+json", sourceLocation: sourceLocation)
        #expect(response.json["status"]?.numberValue?.int == status, sourceLocation: sourceLocation)
    }

    func lookup(
        _ gateway: GatewayProcess, _ path: String, token: String? = "motcua.token",
        purpose: String? = "residence-verification", extra: [String: String] = [:],
        certificate: (certificate: String, key: String)? = nil
    ) async throws -> HTTPClientResponse {
        var headers = extra
        if let token { headers["Authorization"] = "Bearer \(try gateway.token(token))" }
        if let purpose { headers["Lienthong-Purpose"] = purpose }
        return try await gateway.get(path, headers: headers, client: gateway.client(certificate: certificate))
    }

    @Test func missingOrUnknownCredentialsAre401() async throws {
        let gateway = try SharedGateway.get()
        let id = try #require(personalID)
        expectProblem(try await lookup(gateway, "/v1/records/population/\(id)", token: nil), 401, "unauthenticated")
        let unknown = try await gateway.get(
            "/v1/records/population/\(id)",
            headers: ["Authorization": "Bearer lt_not-a-real-token", "Lienthong-Purpose": "residence-verification"],
            client: gateway.client()
        )
        expectProblem(unknown, 401, "unauthenticated")
        // Identity headers are never trusted: only the certificate or the token count.
        let spoofed = try await gateway.get(
            "/v1/records/population/\(id)",
            headers: [
                "Lienthong-Purpose": "residence-verification", "X-Client-Cert": "VN/GOV/HCM/MOTCUA",
                "Lienthong-Consumer": "VN/GOV/HCM/MOTCUA", "X-Forwarded-For": "127.0.0.1",
            ],
            client: gateway.client()
        )
        expectProblem(spoofed, 401, "unauthenticated")
    }

    @Test func certificateFromAnotherCAIs401() async throws {
        let gateway = try SharedGateway.get()
        let id = try #require(personalID)
        let stranger = try StrangerCertificate.make(commonName: "VN/GOV/HCM/MOTCUA")
        let response = try await lookup(gateway, "/v1/records/population/\(id)", token: nil, certificate: stranger)
        expectProblem(response, 401, "unauthenticated")
    }

    @Test func tokenOfOneConsumerWithAnothersCertificateIs401() async throws {
        let gateway = try SharedGateway.get()
        let id = try #require(personalID)
        let response = try await lookup(
            gateway, "/v1/records/population/\(id)", token: "thue.token",
            certificate: gateway.clientCertificate("VN/GOV/HCM/MOTCUA")
        )
        expectProblem(response, 401, "unauthenticated")
    }

    @Test func missingGrantOrPurposeIs403NamingTheMissingPart() async throws {
        let gateway = try SharedGateway.get()
        let id = try #require(personalID)
        let noGrant = try await lookup(gateway, "/v1/records/population/\(id)", token: "vcci.token")
        expectProblem(noGrant, 403, "access-denied")
        #expect(noGrant.json["missingGrant"]?["reason"] == "no-grant-for-service")
        let wrongPurpose = try await lookup(gateway, "/v1/records/population/\(id)", purpose: "land-administration")
        expectProblem(wrongPurpose, 403, "access-denied")
        #expect(wrongPurpose.json["missingGrant"]?["reason"] == "purpose-not-granted")
        #expect(wrongPurpose.json["record"] == nil)
        let field = try await lookup(
            gateway, "/v1/records/population/\(id)?fields=fullName,dateOfBirth", token: "thue.token",
            purpose: "tax-administration"
        )
        expectProblem(field, 403, "access-denied")
        #expect(field.json["missingGrant"]?["field"] == "dateOfBirth")
    }

    @Test func purposeIsRequiredAndMustBeKnown() async throws {
        let gateway = try SharedGateway.get()
        let id = try #require(personalID)
        expectProblem(try await lookup(gateway, "/v1/records/population/\(id)", purpose: nil), 400, "purpose-required")
        expectProblem(try await lookup(gateway, "/v1/records/population/\(id)", purpose: "marketing"), 400, "unknown-purpose")
    }

    @Test(arguments: [
        ("/v1/records/population/00108501234", "personal-id.length"),
        ("/v1/records/population/00108501234A", "personal-id.digits"),
        ("/v1/records/enterprise/0101234567-01", "enterprise-code.branch-suffix"),
        ("/v1/records/enterprise/0101234567-0A1", "enterprise-code.branch-suffix"),
        ("/v1/records/population/%2e%2e", "personal-id.length"),
        ("/v1/records/population/..%2f..%2fetc", "personal-id.length"),
        ("/v1/records/population/00108501234%00", "personal-id.digits"),
        ("/v1/records/population/" + String(repeating: "1", count: 4_000), "personal-id.length"),
        ("/v1/records/land/00004-12", "land-parcel.format"),
    ])
    func malformedKeysAre400NamingTheRule(path: String, rule: String) async throws {
        let gateway = try SharedGateway.get()
        let response = try await lookup(gateway, path, purpose: path.contains("enterprise") ? "enterprise-registration" : "residence-verification")
        expectProblem(response, 400, "invalid-identifier")
        #expect(response.json["rule"]?.stringValue == rule)
    }

    @Test func unknownRegistryAndAbsentRecordAre404() async throws {
        let gateway = try SharedGateway.get()
        expectProblem(try await lookup(gateway, "/v1/records/cadastre/123"), 404, "unknown-registry")
        let absent = try await lookup(gateway, "/v1/records/population/001190000000")
        expectProblem(absent, 404, "record-not-found")
        #expect(!String(decoding: absent.body, as: UTF8.self).contains("001190000000"))
        expectProblem(try await lookup(gateway, "/v1/nothing"), 404, "not-found")
    }

    @Test func oversizedHeadersAre431() async throws {
        let gateway = try SharedGateway.get()
        let id = try #require(personalID)
        let response = try await lookup(
            gateway, "/v1/records/population/\(id)", extra: ["X-Padding": String(repeating: "a", count: 20_000)]
        )
        expectProblem(response, 431, "headers-too-large")
    }

    @Test func malformedRequestIDIs400() async throws {
        let gateway = try SharedGateway.get()
        let id = try #require(personalID)
        let response = try await lookup(
            gateway, "/v1/records/population/\(id)", extra: ["Lienthong-Request-Id": "not-a-uuid"]
        )
        expectProblem(response, 400, "invalid-request-id")
    }

    @Test func deniedAndFailedRequestsAreAuditedToo() async throws {
        let gateway = try SharedGateway.get()
        let id = try #require(personalID)
        let requestID = UUID().uuidString.lowercased()
        _ = try await lookup(
            gateway, "/v1/records/population/\(id)", token: "vcci.token", extra: ["Lienthong-Request-Id": requestID]
        )
        let records = try AuditLog.allRecords(path: gateway.auditPath).filter { $0.requestID == requestID }
        #expect(records.count == 1)
        #expect(records.first?.outcome == .denied)
        #expect(records.first?.problemCode == "access-denied")
        #expect(records.first?.consumer == "VN/ORG/VCCI/HOIVIEN")
    }
}

/// A gateway whose land agency API is down and whose VCCI consumer is revoked.
@Suite(.serialized)
struct FailingUpstreamTests {
    @Test func deadUpstreamIs502AndRevokedConsumerIs401() async throws {
        let configuration = try GatewayProcess.demoConfiguration { directory in
            let landFile = directory.appendingPathComponent("registries/land.json")
            let text = try String(contentsOf: landFile, encoding: .utf8)
                .replacingOccurrences(of: "127.0.0.1:{port}", with: "127.0.0.1:9")
            try text.write(to: landFile, atomically: true, encoding: .utf8)
            let consumersFile = directory.appendingPathComponent("consumers.json")
            let consumers = try String(contentsOf: consumersFile, encoding: .utf8)
                .replacingOccurrences(of: "\"tokenFiles\": [\"secrets/vcci.token\"]", with: "\"tokenFiles\": [\"secrets/vcci.token\"], \"revoked\": true")
            try consumers.write(to: consumersFile, atomically: true, encoding: .utf8)
        }
        let gateway = try GatewayProcess(configDirectory: configuration)
        defer { gateway.stop() }
        let token = try gateway.token("motcua.token")
        let down = try await gateway.get(
            "/v1/records/land/00004-12-345",
            headers: ["Authorization": "Bearer \(token)", "Lienthong-Purpose": "land-administration"],
            client: gateway.client()
        )
        #expect(down.status == 502)
        #expect(down.problemCode == "upstream-unavailable")
        let revoked = try await gateway.get(
            "/v1/records/population/001190000000",
            headers: ["Authorization": "Bearer \(try gateway.token("vcci.token"))", "Lienthong-Purpose": "residence-verification"],
            client: gateway.client()
        )
        #expect(revoked.status == 401)
        #expect(revoked.problemCode == "unauthenticated")
        // SIGTERM: graceful shutdown, exit status 0, and a last signed checkpoint covers the chain.
        #expect(gateway.stop() == 0)
        let trust = CertificateVerifier(
            trustStore: try TrustStore.load(anchorFiles: [URL(fileURLWithPath: gateway.rootCA)])
        )
        let verification = try AuditLog.verify(path: gateway.auditPath, trust: trust)
        #expect(verification.isValid)
        #expect(verification.checkpointsChecked >= 1)
        #expect(verification.unprotectedRecords == 0)
    }
}

/// A client certificate from a CA the gateway does not trust, made with the `openssl` tool.
enum StrangerCertificate {
    static func make(commonName: String) throws -> (certificate: String, key: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-stranger-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificate = directory.appendingPathComponent("stranger.crt.pem").path
        let key = directory.appendingPathComponent("stranger.key.pem").path
        let arguments = [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
            "-out", certificate, "-days", "1", "-subj", "/CN=" + commonName.replacingOccurrences(of: "/", with: "\\/"),
        ]
        guard try ChildProcess.run(tool: "openssl", arguments).status == 0 else {
            throw GatewayProcessError(message: "openssl req failed")
        }
        return (certificate, key)
    }
}

/// `serve` refuses a configuration that breaks config.v1 or its cross-references.
@Suite(.serialized)
struct InvalidConfigurationTests {
    @Test func serveRefusesAnInvalidConfigurationAndExits1() throws {
        let configuration = try GatewayProcess.demoConfiguration { directory in
            let grants = directory.appendingPathComponent("grants.json")
            let text = try String(contentsOf: grants, encoding: .utf8)
                .replacingOccurrences(of: "\"consumer\": \"VN/GOV/BTC/THUE\"", with: "\"consumer\": \"VN/GOV/BTC/UNKNOWN\"")
            try text.write(to: grants, atomically: true, encoding: .utf8)
        }
        let result = try ChildProcess.run(
            GatewayProcess.binary,
            [
                "serve", "--config", configuration.path, "--listen", "127.0.0.1:0", "--data-dir",
                FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-data-\(UUID().uuidString)").path,
            ]
        )
        let message = result.stderr
        #expect(result.status == 1)
        #expect(message.contains("grants.json#/4/consumer: unknown consumer VN/GOV/BTC/UNKNOWN"), "\(message)")
    }

    /// `config check` approves what `serve` starts on and refuses, with the same lines, what `serve` refuses.
    @Test func configCheckAndServeReportTheSameProblemsWithExitCodes() throws {
        let configuration = try GatewayProcess.demoConfiguration { directory in
            try GatewayProcess.editJSON(directory.appendingPathComponent("node.json")) { $0["listen"] = "127.0.0.1:70000" }
            let mapping = directory.appendingPathComponent("registries/population.json")
            let text = try String(contentsOf: mapping, encoding: .utf8)
                .replacingOccurrences(of: "\"/fullName\"", with: "\"/fulName\"")
            try text.write(to: mapping, atomically: true, encoding: .utf8)
        }
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-data-\(UUID().uuidString)")
        let check = try ChildProcess.run(
            GatewayProcess.binary, ["config", "check", configuration.path, "--data-dir", data.path])
        let serve = try ChildProcess.run(
            GatewayProcess.binary, ["serve", "--config", configuration.path, "--data-dir", data.path])
        let expected = [
            "node.json#/listen: port 70000 is not in 0-65535",
            "registries/population.json#/mapping/1/target: /fulName is not in person.v1: fulName is not a member there "
                + "(did you mean fullName?)",
        ]
        #expect(check.status == 1)
        #expect(check.stdout.split(separator: "\n").map(String.init) == expected + ["\(configuration.path): 2 problems"])
        #expect(serve.status == 1)
        #expect(serve.stderr.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.dropFirst() == expected[...])
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("audit.sqlite").path))
    }

    @Test func configCheckWithProbeAcceptsTheDemoConfiguration() throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-data-\(UUID().uuidString)")
        let check = try ChildProcess.run(
            GatewayProcess.binary, ["config", "check", GatewayProcess.demoConfiguration().path, "--probe", "--data-dir", data.path])
        #expect(check.status == 0, "\(check.stdout)")
        #expect(check.stdout.hasSuffix(": configuration is valid\n"))
    }
}
