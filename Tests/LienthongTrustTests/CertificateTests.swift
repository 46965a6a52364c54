import Foundation
import Testing

@testable import LienthongTrust

struct CertificateTests {
    @Test func issuedCertificateCarriesSubjectValidityAndKey() throws {
        let pki = try TestPKI()
        let notBefore = Date(timeIntervalSince1970: 1_790_000_000)
        let notAfter = Date(timeIntervalSince1970: 1_800_000_000)
        let (key, chain) = try pki.member("VN/GOV/BCA/DANCU", notBefore: notBefore, notAfter: notAfter)
        let leaf = chain[0]
        #expect(leaf.subjectCommonName == "VN/GOV/BCA/DANCU")
        #expect(leaf.member == "VN/GOV/BCA/DANCU")
        #expect(leaf.subjectOrganization == "Bộ Công an")
        #expect(leaf.issuerCommonName == "Test Intermediate CA")
        #expect(leaf.notBefore == notBefore)
        #expect(leaf.notAfter == notAfter)
        #expect(try leaf.publicKey == key.publicKey)
        #expect(leaf.allowsDigitalSignature)
        #expect(!leaf.isCertificateAuthority)
        #expect(pki.intermediate.certificate.isCertificateAuthority)
        #expect(!pki.intermediate.certificate.allowsDigitalSignature)
        #expect(pki.root.certificate.isSelfIssued)
        #expect(leaf.serialNumberHex.count >= 30)
        #expect(leaf.serialNumberHex != chain[1].serialNumberHex)
    }

    @Test func pemDerAndChainRoundTrip() throws {
        let pki = try TestPKI()
        let (_, chain) = try pki.member("VN/GOV/BCA/DANCU")
        let pem = chain.map(\.pemString).joined()
        #expect(try Certificate.chain(pem: pem) == chain)
        #expect(try Certificate(pem: chain[0].pemString) == chain[0])
        #expect(try Certificate(derBytes: chain[0].derBytes) == chain[0])
        #expect(throws: TrustError(.malformedCertificate, "")) { try Certificate(pem: pem) }
        #expect(throws: TrustError(.malformedCertificate, "")) { try Certificate.chain(pem: "nothing here") }
        #expect(throws: TrustError(.malformedCertificate, "")) { try Certificate(derBytes: chain[0].derBytes + [0]) }
        var damaged = chain[0].derBytes
        damaged.removeLast(10)
        #expect(throws: TrustError(.malformedCertificate, "")) { try Certificate(derBytes: damaged) }
    }

    @Test func thumbprintMatchesOpenSSLFingerprint() throws {
        let pki = try TestPKI()
        let leaf = try pki.member("VN/GOV/BCA/DANCU").chain[0]
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("leaf.pem")
        try leaf.pemString.write(to: file, atomically: true, encoding: .utf8)
        let (status, output) = try run("openssl", ["x509", "-in", file.path, "-noout", "-fingerprint", "-sha256"])
        #expect(status == 0)
        let hex = output.split(separator: "=").last.map { $0.replacingOccurrences(of: ":", with: "") }?
            .trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let thumbprint = try Base64URL.decode(leaf.sha256Thumbprint).map { String(format: "%02x", $0) }.joined()
        #expect(hex == thumbprint)
    }

    @Test(arguments: [KeyType.p256, .ed25519, .rsa(bits: 2048)])
    func certificateSigningRequestIsIssuedWithItsSubjectAndKey(type: KeyType) throws {
        let pki = try TestPKI()
        let key = try SigningKey.generate(type)
        let request = try CertificateSigningRequest(
            subject: DistinguishedName(commonName: "VN/GOV/BTC/DKKD", organization: "Bộ Tài chính"), key: key)
        let parsed = try CertificateSigningRequest(pem: request.pemString)
        #expect(parsed.subjectCommonName == "VN/GOV/BTC/DKKD")
        #expect(parsed.subjectOrganization == "Bộ Tài chính")
        #expect(try parsed.publicKey == key.publicKey)
        let certificate = try pki.intermediate.issue(
            .nodeSigning, for: parsed, notBefore: pki.now - TestPKI.day, notAfter: pki.now + TestPKI.day)
        #expect(certificate.member == "VN/GOV/BTC/DKKD")
        #expect(try certificate.publicKey == key.publicKey)
        let verified = try pki.verifier().verify(
            chain: [certificate, pki.intermediate.certificate], expectedMember: "VN/GOV/BTC/DKKD", at: pki.now)
        #expect(verified.chain.count == 3)
    }

    @Test func issuerRefusesAKeyThatIsNotTheCertificates() throws {
        let pki = try TestPKI()
        #expect(throws: TrustError(.keyMismatch, "")) {
            try CertificateIssuer(certificate: pki.root.certificate, key: pki.intermediate.key)
        }
        let (key, chain) = try pki.member("VN/GOV/BCA/DANCU")
        #expect(throws: TrustError(.keyUsage, "")) { try CertificateIssuer(certificate: chain[0], key: key) }
    }
}
