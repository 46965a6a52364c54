import Foundation
import LienthongJSON
import Testing

@testable import LienthongTrust

struct KeyRingTests {
    let provider = "VN/GOV/BCA/DANCU"
    let day = TestPKI.day
    let message: JSONValue = [
        "type": "record", "id": "1", "provider": "VN/GOV/BCA/DANCU", "consumer": "VN/GOV/BTC/DKKD",
        "record": ["a": 1],
    ]

    /// Generates a key, has the test CA answer its CSR with a certificate valid until `notAfter`, imports it.
    func certify(
        _ keys: KeyDirectory, pki: TestPKI, algorithm: JWSAlgorithm = .es256, at now: Date, notAfter: Date
    ) throws -> (KeyVersion, Certificate) {
        let generated = try keys.generate(provider: provider, algorithm: algorithm, now: now)
        let (version, request) = try keys.signingRequest(provider: provider)
        #expect(version.name == generated.name)
        #expect(request.subjectCommonName == provider)
        let certificate = try pki.intermediate.issue(
            .nodeSigning, for: request, notBefore: now - day, notAfter: notAfter)
        let imported = try keys.importCertificate(
            provider: provider, chain: [certificate, pki.intermediate.certificate], now: now)
        #expect(imported.name == generated.name)
        return (imported, certificate)
    }

    @Test func rotationSignsWithTheNewKeyWhileOldEnvelopesVerifyUntilTheOldCertificateExpires() throws {
        let pki = try TestPKI()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = KeyDirectory(url: directory)
        let t0 = pki.now

        let (first, firstCertificate) = try certify(keys, pki: pki, at: t0, notAfter: t0 + 30 * day)
        #expect(first.isCurrent)  // the first certified key becomes current by itself
        let before = try #require(try KeyRing.load(directory: directory, at: t0)[provider])
        #expect(before.keyID == firstCertificate.sha256Thumbprint)
        let oldEnvelope = try before.sign(message: message, issuedAt: t0)

        let t1 = t0 + 10 * day
        let (second, secondCertificate) = try certify(
            keys, pki: pki, algorithm: .edDSA, at: t1, notAfter: t0 + 365 * day)
        #expect(!second.isCurrent)  // imported, but not in use until rotated
        #expect(try KeyRing.load(directory: directory, at: t1)[provider]?.keyID == firstCertificate.sha256Thumbprint)

        let rotated = try keys.rotate(provider: provider, now: t1)
        #expect(rotated.name == second.name)
        let after = try #require(try KeyRing.load(directory: directory, at: t1)[provider])
        #expect(after.keyID == secondCertificate.sha256Thumbprint)
        #expect(after.algorithm == .edDSA)
        #expect(after.previous.map { $0[0] } == [firstCertificate])
        #expect(
            try KeyRing.load(directory: directory, at: t1).certificate(keyID: firstCertificate.sha256Thumbprint)
                == firstCertificate)
        let newEnvelope = try after.sign(message: message, issuedAt: t1)

        let verifier = try pki.verifier()
        let verifiedOld = try EnvelopeVerifier.verify(oldEnvelope, trust: verifier, at: t1)
        let verifiedNew = try EnvelopeVerifier.verify(newEnvelope, trust: verifier, at: t1)
        #expect(verifiedOld.signatures[0].keyID == firstCertificate.sha256Thumbprint)
        #expect(verifiedNew.signatures[0].keyID == secondCertificate.sha256Thumbprint)
        #expect(verifiedNew.signatures[0].algorithm == .edDSA)

        // Once the old certificate has expired, its envelopes no longer verify and the ring drops it.
        let t2 = t0 + 31 * day
        #expect(throws: TrustError(.expiredCertificate, "")) {
            try EnvelopeVerifier.verify(oldEnvelope, trust: verifier, at: t2)
        }
        #expect(throws: Never.self) { try EnvelopeVerifier.verify(newEnvelope, trust: verifier, at: t2) }
        #expect(try KeyRing.load(directory: directory, at: t2)[provider]?.previous.isEmpty == true)
    }

    @Test func layoutFilesAndModes() throws {
        let pki = try TestPKI()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = KeyDirectory(url: directory)
        let now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18T11:06:40Z
        let a = try keys.generate(provider: provider, now: now)
        let b = try keys.generate(provider: provider, algorithm: .rs256, now: now)
        #expect(a.name == "20261118T110640Z")
        #expect(b.name == "20261118T110640Z-1")
        #expect(a.keyFile.path.hasSuffix("/VN_GOV_BCA_DANCU/20261118T110640Z.key.pem"))
        let mode = try FileManager.default.attributesOfItem(atPath: a.keyFile.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try keys.providers() == [provider])
        let versions = try keys.versions(of: provider)
        #expect(versions.map(\.name) == [a.name, b.name])
        #expect(versions.map(\.algorithm) == [.es256, .rs256])
        #expect(versions.allSatisfy { $0.chain == nil && !$0.isCurrent })
        // Without a certificate nothing can become current.
        #expect(throws: TrustError(.fileAccess, "")) { try keys.rotate(provider: provider, now: pki.now) }
        #expect(try KeyRing.load(directory: directory).providers.isEmpty)
    }

    @Test func importChecksKeyMemberUsageAndOrder() throws {
        let pki = try TestPKI()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = KeyDirectory(url: directory)
        _ = try keys.generate(provider: provider, now: pki.now)
        let (_, request) = try keys.signingRequest(provider: provider)

        let (_, foreign) = try pki.member(provider)  // right member, someone else's key
        #expect(throws: TrustError(.keyMismatch, "")) {
            try keys.importCertificate(provider: provider, chain: foreign, now: pki.now)
        }
        let issued = try pki.intermediate.issue(.nodeSigning, for: request, notAfter: pki.now + 30 * day)
        #expect(throws: TrustError(.wrongMember, "")) {
            try keys.importCertificate(provider: "VN/GOV/BTC/DKKD", chain: [issued], now: pki.now)
        }
        #expect(throws: TrustError(.chainOrder, "")) {
            try keys.importCertificate(
                provider: provider, chain: [pki.intermediate.certificate, issued], now: pki.now)
        }
        let server = try pki.intermediate.issue(
            .localhostServer, subject: DistinguishedName(commonName: provider),
            publicKey: try request.publicKey, notAfter: pki.now + day)
        #expect(throws: Never.self) {
            // A TLS server certificate allows digitalSignature too; what matters is the key and the name.
            try keys.importCertificate(provider: provider, chain: [server], now: pki.now)
        }
        #expect(throws: TrustError(.expiredCertificate, "")) {
            try keys.importCertificate(provider: provider, chain: [issued], now: pki.now + 31 * day)
        }
    }

    @Test func installAdoptsAnExistingCredentialAsTheFirstCurrentKeyOnly() throws {
        let pki = try TestPKI()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = KeyDirectory(url: directory)
        let (key, chain) = try pki.member(provider)

        let first = try keys.install(provider: provider, key: key, chain: chain, now: pki.now)
        #expect(first.isCurrent)
        #expect(try KeyRing.load(directory: directory, at: pki.now)[provider]?.keyID == chain[0].sha256Thumbprint)

        // A second credential is stored but does not displace the current key: only rotate does.
        let (otherKey, otherChain) = try pki.member(provider)
        let second = try keys.install(provider: provider, key: otherKey, chain: otherChain, now: pki.now)
        #expect(!second.isCurrent)
        #expect(try KeyRing.load(directory: directory, at: pki.now)[provider]?.keyID == chain[0].sha256Thumbprint)

        #expect(throws: TrustError(.keyMismatch, "")) {
            try keys.install(provider: provider, key: otherKey, chain: chain, now: pki.now)
        }
        #expect(throws: TrustError(.wrongMember, "")) {
            try keys.install(provider: "VN/GOV/BTC/DKKD", key: key, chain: chain, now: pki.now)
        }
    }

    @Test func keyDirectoriesAreClosedToOtherUsersWhateverTheirEarlierMode() throws {
        let parent = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: parent) }
        let root = parent.appendingPathComponent("keys")
        // A keys directory an earlier tool (or the umask) left open to everyone.
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        #expect(chmod(root.path, 0o755) == 0)
        let version = try KeyDirectory(url: root).generate(provider: provider, now: Date())

        func mode(_ url: URL) throws -> Int {
            try #require(try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
        }
        #expect(try mode(root) == 0o700)
        #expect(try mode(version.keyFile.deletingLastPathComponent()) == 0o700)
        #expect(try mode(version.keyFile) == 0o600)
    }
}
