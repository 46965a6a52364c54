import Foundation
import Testing

@testable import LienthongTrust

struct DevelopmentPKITests {
    @Test func createsAVerifiablePKIWithPrivateKeysAndReusesIt() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let consumers = ["VN/GOV/BTC/DKKD", "VN/GOV/BTNMT/DATDAI"]
        let files = try DevelopmentPKI.create(in: directory, providers: ["VN/GOV/BCA/DANCU"], consumers: consumers)

        let root = try Certificate.loadChain(from: files.rootCertificate)
        #expect(root.count == 1)
        #expect(root[0].subjectCommonName == DevelopmentPKI.rootCommonName)
        let verifier = CertificateVerifier(trustStore: try TrustStore(anchors: root))

        let signing = try Certificate.loadChain(from: files.signing["VN/GOV/BCA/DANCU"]!.certificate)
        #expect(signing.count == 2)
        let verified = try verifier.verify(chain: signing, expectedMember: "VN/GOV/BCA/DANCU", at: Date())
        #expect(verified.chain.count == 3)
        let signingKey = try SigningKey.load(from: files.signing["VN/GOV/BCA/DANCU"]!.key)
        #expect(try signing[0].publicKey == signingKey.publicKey)

        for consumer in consumers {
            let client = try #require(files.clients[consumer])
            let chain = try Certificate.loadChain(from: client.certificate)
            #expect(try verifier.verify(chain: chain, expectedMember: consumer, at: Date()).member == consumer)
        }

        for credential in [files.root, files.intermediate, files.server] + Array(files.signing.values) + Array(files.clients.values) {
            let attributes = try FileManager.default.attributesOfItem(atPath: credential.key.path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        }

        // OpenSSL agrees on the purposes: server certificate for TLS servers, client certificate for TLS clients.
        let intermediate = files.intermediate.certificate.path
        let server = try run(
            "openssl",
            [
                "verify", "-CAfile", files.rootCertificate.path, "-untrusted", intermediate, "-purpose", "sslserver",
                "-verify_hostname", "localhost", "-verify_ip", "::1", files.server.certificate.path,
            ])
        #expect(server.status == 0, "\(server.output)")
        let client = try run(
            "openssl",
            [
                "verify", "-CAfile", files.rootCertificate.path, "-untrusted", intermediate, "-purpose", "sslclient",
                try #require(files.clients["VN/GOV/BTC/DKKD"]).certificate.path,
            ])
        #expect(client.status == 0, "\(client.output)")
        let wrongPurpose = try run(
            "openssl",
            [
                "verify", "-CAfile", files.rootCertificate.path, "-untrusted", intermediate, "-purpose", "sslserver",
                try #require(files.clients["VN/GOV/BTC/DKKD"]).certificate.path,
            ])
        #expect(wrongPurpose.status != 0)

        // A second run reuses every file.
        let before = try String(contentsOf: files.signing["VN/GOV/BCA/DANCU"]!.certificate, encoding: .utf8)
        let rootBefore = try String(contentsOf: files.rootCertificate, encoding: .utf8)
        _ = try DevelopmentPKI.create(in: directory, providers: ["VN/GOV/BCA/DANCU"], consumers: consumers)
        #expect(try String(contentsOf: files.signing["VN/GOV/BCA/DANCU"]!.certificate, encoding: .utf8) == before)
        #expect(try String(contentsOf: files.rootCertificate, encoding: .utf8) == rootBefore)

        // A missing intermediate key reissues the intermediate and everything below it, not the root.
        try FileManager.default.removeItem(at: files.intermediate.key)
        _ = try DevelopmentPKI.create(in: directory, providers: ["VN/GOV/BCA/DANCU"], consumers: consumers)
        #expect(try String(contentsOf: files.rootCertificate, encoding: .utf8) == rootBefore)
        let reissued = try Certificate.loadChain(from: files.signing["VN/GOV/BCA/DANCU"]!.certificate)
        #expect(reissued != signing)
        #expect(throws: Never.self) {
            try verifier.verify(chain: reissued, expectedMember: "VN/GOV/BCA/DANCU", at: Date())
        }
    }
}
