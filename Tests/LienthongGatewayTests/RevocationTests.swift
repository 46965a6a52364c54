import Foundation
import LienthongHTTP
import LienthongJSON
import LienthongTrust
import Testing

/// A consumer's client certificate against OCSP (an `openssl ocsp` responder on loopback) and CRL files, end to
/// end through a running gateway.
@Suite(.serialized) struct RevocationTests {
    static let consumer = "VN/GOV/HCM/MOTCUA"

    /// A data directory with the development PKI made ahead of the node (which completes it), so the test can
    /// hand the intermediate CA to a responder or sign a CRL before the node starts.
    struct Setup {
        let dataDirectory: URL
        let pki: DevelopmentPKI.Files
        var client: Certificate {
            get throws { try Certificate.loadChain(from: pki.clients[consumer]!.certificate)[0] }
        }
        var issuer: CertificateIssuer {
            get throws {
                try CertificateIssuer(
                    certificate: Certificate.loadChain(from: pki.intermediate.certificate)[0],
                    key: SigningKey.load(from: pki.intermediate.key))
            }
        }

        init() throws {
            dataDirectory = FileManager.default.temporaryDirectory
                .appendingPathComponent("lienthong-data-\(UUID().uuidString)")
            pki = try DevelopmentPKI.create(
                in: dataDirectory.appendingPathComponent("pki"), providers: [], consumers: [consumer])
        }

        /// Starts the demo gateway with `revocation` as node.json's `revocation`.
        func gateway(revocation: String) throws -> GatewayProcess {
            let configuration = try GatewayProcess.demoConfiguration { directory in
                try GatewayProcess.editJSON(directory.appendingPathComponent("node.json")) { node in
                    node["revocation"] = try JSONValue.parse(Array(revocation.utf8))
                }
            }
            return try GatewayProcess(configDirectory: configuration, dataDirectory: dataDirectory)
        }

        /// Writes `crl.pem` in the data directory: the intermediate's CRL revoking `revoked`.
        func writeCRL(revoking revoked: [Certificate], nextUpdate: Date = Date().addingTimeInterval(3600)) throws {
            let list = try issuer.revocationList(
                revoking: revoked, thisUpdate: Date().addingTimeInterval(-60), nextUpdate: nextUpdate)
            let file = dataDirectory.appendingPathComponent("crl.pem")
            // A new file renamed over the old: the node never reads half a list.
            try Data(list.pemString.utf8).write(to: file.appendingPathExtension("new"))
            guard rename(file.appendingPathExtension("new").path, file.path) == 0 else {
                throw GatewayProcessError(message: "cannot rename the CRL")
            }
        }
    }

    /// `GET /v1/services` with the consumer's client certificate.
    static func services(_ gateway: GatewayProcess, _ client: HTTPClient) async throws -> HTTPClientResponse {
        try await gateway.get("/v1/services", client: client)
    }

    /// Polls `GET /v1/services` (at most `seconds`) until it answers `status`; returns the last answer.
    static func poll(
        _ gateway: GatewayProcess, _ client: HTTPClient, until status: Int, within seconds: Double = 15
    ) async throws -> HTTPClientResponse {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while true {
            let response = try await services(gateway, client)
            if response.status == status || ContinuousClock.now >= deadline { return response }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    @Test func ocspRevocationRefusesTheCertificateWithinTheCacheTime() async throws {
        let setup = try Setup()
        let responder = try OpenSSLOCSPResponder(
            directory: setup.dataDirectory.appendingPathComponent("ocsp"),
            issuer: (setup.pki.intermediate.certificate, setup.pki.intermediate.key), valid: try setup.client)
        // No nextUpdate in the answers: each is kept for cacheSeconds.
        let gateway = try setup.gateway(revocation: #"{"ocsp": {"responder": "\#(responder.url)", "cacheSeconds": 1}}"#)
        let client = gateway.client(certificate: gateway.clientCertificate(Self.consumer))
        #expect(try await Self.services(gateway, client).status == 200)
        try responder.publish(try setup.client, revoked: true)
        let refused = try await Self.poll(gateway, client, until: 401)
        #expect(refused.status == 401)
        #expect(refused.problemCode == "trust.revoked-certificate")
        #expect(refused.headers["Content-Type"] == "application/problem+json")
    }

    @Test func ocspAnswersAreCachedUntilNextUpdate() async throws {
        let setup = try Setup()
        let responder = try OpenSSLOCSPResponder(
            directory: setup.dataDirectory.appendingPathComponent("ocsp"),
            issuer: (setup.pki.intermediate.certificate, setup.pki.intermediate.key), valid: try setup.client,
            nextUpdateMinutes: 10)
        let gateway = try setup.gateway(revocation: #"{"ocsp": {"responder": "\#(responder.url)"}}"#)
        let client = gateway.client(certificate: gateway.clientCertificate(Self.consumer))
        for _ in 0..<5 { #expect(try await Self.services(gateway, client).status == 200) }
        let seen = try await responder.log.lines(within: 5) { lines in
            lines.filter { $0.contains("Received request") }.count >= 1
        }
        #expect(seen.filter { $0.contains("Received request") }.count == 1)
        // With the responder gone, the cached answer still holds until its nextUpdate.
        responder.stop()
        #expect(try await Self.services(gateway, client).status == 200)
    }

    @Test func responderDownFailsClosedByDefault() async throws {
        let setup = try Setup()
        let responder = try OpenSSLOCSPResponder(
            directory: setup.dataDirectory.appendingPathComponent("ocsp"),
            issuer: (setup.pki.intermediate.certificate, setup.pki.intermediate.key), valid: try setup.client)
        let url = responder.url
        responder.stop()
        let gateway = try setup.gateway(revocation: #"{"ocsp": {"responder": "\#(url)", "timeoutSeconds": 2}}"#)
        let client = gateway.client(certificate: gateway.clientCertificate(Self.consumer))
        let refused = try await Self.services(gateway, client)
        #expect(refused.status == 503)
        #expect(refused.problemCode == "trust.revocation-unavailable")
        // A bearer token is no client certificate: it needs no revocation status.
        let token = try gateway.token("motcua.token")
        let byToken = try await gateway.get(
            "/v1/services", headers: ["Authorization": "Bearer \(token)"], client: gateway.client())
        #expect(byToken.status == 200)
    }

    @Test func crlFromConfigurationRevokesWithinOneRefresh() async throws {
        let setup = try Setup()
        try setup.writeCRL(revoking: [])
        let gateway = try setup.gateway(revocation: #"{"crls": ["crl.pem"], "refreshSeconds": 1}"#)
        let client = gateway.client(certificate: gateway.clientCertificate(Self.consumer))
        #expect(try await Self.services(gateway, client).status == 200)
        try setup.writeCRL(revoking: [try setup.client])
        let refused = try await Self.poll(gateway, client, until: 401)
        #expect(refused.status == 401)
        #expect(refused.problemCode == "trust.revoked-certificate")
    }

    @Test func expiredCRLFailsClosedByDefault() async throws {
        let setup = try Setup()
        try setup.writeCRL(revoking: [], nextUpdate: Date().addingTimeInterval(-30))
        let gateway = try setup.gateway(revocation: #"{"crls": ["crl.pem"]}"#)
        let client = gateway.client(certificate: gateway.clientCertificate(Self.consumer))
        let refused = try await Self.services(gateway, client)
        #expect(refused.status == 503)
        #expect(refused.problemCode == "trust.revocation-unavailable")
    }
}
