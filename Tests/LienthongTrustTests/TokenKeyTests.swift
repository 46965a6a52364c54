import Foundation
import LienthongJSON
import LienthongTesting
import Synchronization
import Testing

@testable import LienthongTrust

/// Keys in a PKCS#11 token (SoftHSM2 through the libp11 engine): generated in the token, certified through a CSR
/// the token signs, loaded into the key ring and signing envelopes, while the key directory holds only references.
///
/// Skipped locally when SoftHSM2 is missing; in CI (`CI` set) they fail instead, so they never skip unnoticed.
@Suite(
    .serialized, .enabled(if: SoftHSMToken.installed || SoftHSMToken.inCI, "\(SoftHSMToken.missing)"))
struct TokenKeyTests {
    let provider = "VN/GOV/BCA/DANCU"
    let message: JSONValue = [
        "type": "record", "id": "1", "provider": "VN/GOV/BCA/DANCU", "consumer": "VN/GOV/BTC/DKKD",
        "record": ["a": 1],
    ]

    /// The process's test token, as ``PKCS11Token``.
    func token() throws -> PKCS11Token {
        try #require(SoftHSMToken.installed, "\(SoftHSMToken.missing)")
        let softHSM = try SoftHSMToken.shared.get()
        return PKCS11Token(module: SoftHSMToken.module, label: softHSM.label, pin: softHSM.pin)
    }

    @Test func aTokenKeySignsEnvelopesWhileTheDirectoryHoldsOnlyItsURIAndPublicKey() throws {
        let pki = try TestPKI()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = try token()
        let keys = KeyDirectory(url: directory, token: token)

        let generated = try keys.generate(provider: provider, now: pki.now)
        let uri = try #require(generated.tokenURI)
        #expect(uri.hasPrefix("pkcs11:token=\(token.label);id=%"))
        #expect(uri.hasSuffix(";object=VN_GOV_BCA_DANCU.\(generated.name);type=private"))
        #expect(generated.keyFile.lastPathComponent == "\(generated.name).key.uri")
        let (version, request) = try keys.signingRequest(provider: provider)
        #expect(version.tokenURI == uri)
        let certificate = try pki.intermediate.issue(
            .nodeSigning, for: request, notBefore: pki.now - TestPKI.day,
            notAfter: pki.now + 30 * TestPKI.day)
        let imported = try keys.importCertificate(
            provider: provider, chain: [certificate, pki.intermediate.certificate], now: pki.now)
        #expect(imported.isCurrent && imported.tokenURI == uri)

        let ring = try #require(try KeyRing.load(keys, at: pki.now)[provider])
        #expect(ring.keyID == certificate.sha256Thumbprint)
        let signature = try ring.key.sign(Array("signed in the token".utf8), algorithm: .es256)
        #expect(
            try certificate.publicKey.verify(
                signature: signature, data: Array("signed in the token".utf8), algorithm: .es256))
        let verified = try EnvelopeVerifier.verify(
            try ring.sign(message: message, issuedAt: pki.now), trust: try pki.verifier(), at: pki.now)
        #expect(verified.signatures[0].keyID == certificate.sha256Thumbprint)

        // On disk: the URI, the public key and the certificate; no private key in any form.
        let files = try FileManager.default.contentsOfDirectory(
            atPath: directory.appendingPathComponent("VN_GOV_BCA_DANCU").path
        ).sorted()
        let name = generated.name
        #expect(
            files == ["\(name).crt.pem", "\(name).key.uri", "\(name).pub.pem", "current", "provider"])
        for file in files {
            let text = try String(
                contentsOf: directory.appendingPathComponent("VN_GOV_BCA_DANCU/\(file)"), encoding: .utf8)
            #expect(!text.contains("PRIVATE KEY"), "\(file)")
        }
        // In the token: sensitive and never extractable.
        let object = String(
            try #require(uri.split(separator: ";").first { $0.hasPrefix("object=") }).dropFirst(7))
        let listed = try SoftHSMToken.shared.get().listObjects()
        // One object per unindented line, its attributes on the indented lines below it.
        var objects: [String] = []
        for line in listed.split(separator: "\n") {
            if line.first == " ", !objects.isEmpty {
                objects[objects.count - 1] += "\n" + line
            } else {
                objects.append(String(line))
            }
        }
        let privateObject = try #require(
            objects.first { $0.hasPrefix("Private Key Object") && $0.contains("label:      \(object)\n") }
        )
        #expect(
            privateObject.contains("Access:     sensitive, always sensitive, never extractable, local"))
    }

    @Test func aTokenKeyWithoutATokenIsATokenFailure() throws {
        let pki = try TestPKI()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = KeyDirectory(url: directory, token: try token())
        _ = try keys.generate(provider: provider, now: pki.now)
        let (_, request) = try keys.signingRequest(provider: provider)
        let certificate = try pki.intermediate.issue(
            .nodeSigning, for: request, notBefore: pki.now - TestPKI.day,
            notAfter: pki.now + 30 * TestPKI.day)
        // Importing and listing need no token: they read the public key file.
        let withoutToken = KeyDirectory(url: directory)
        _ = try withoutToken.importCertificate(
            provider: provider, chain: [certificate, pki.intermediate.certificate], now: pki.now)
        #expect(try withoutToken.versions(of: provider).map(\.keyType) == [.p256])
        #expect(throws: TrustError(.tokenFailure, "")) {
            try KeyRing.load(directory: directory, at: pki.now)
        }
    }

    @Test func anUnknownObjectOrModuleIsATokenFailureThatNamesNoPIN() throws {
        let token = try token()
        let missing = #expect(throws: TrustError(.tokenFailure, "")) {
            try token.loadKey(uri: token.uri(object: "no-such-key"))
        }
        #expect(missing?.detail.contains(token.label) == true)
        let elsewhere = PKCS11Token(
            module: "/nonexistent/libpkcs11.so", label: token.label, pin: "secret-pin-1")
        let noModule = #expect(throws: TrustError(.tokenFailure, "")) {
            try elsewhere.loadKey(uri: token.uri(object: "x"))
        }
        #expect(noModule?.detail.contains("secret-pin-1") == false)
        #expect(!"\(elsewhere)".contains("secret-pin-1"))
        #expect(throws: TrustError(.unsupportedAlgorithm, "")) {
            try token.generateKey(object: "e", id: [1], type: .ed25519)
        }
    }

    @Test func thePINComesFromAFileOrAnEnvironmentVariableAndMayNotBeEmpty() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("pin")
        try Data("123456\n".utf8).write(to: file)
        #expect(try PKCS11Token.PINSource.file(file).read() == "123456")
        #expect(
            try PKCS11Token.PINSource.environment("TOKEN_PIN").read(environment: ["TOKEN_PIN": "9876"])
                == "9876")
        #expect(throws: TrustError(.tokenFailure, "")) {
            try PKCS11Token.PINSource.environment("TOKEN_PIN").read(environment: [:])
        }
        #expect(throws: TrustError(.tokenFailure, "")) {
            try PKCS11Token.PINSource.file(directory.appendingPathComponent("absent")).read()
        }
    }

    @Test func oneTokenKeySignsFromManyThreadsAtOnce() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = KeyDirectory(url: directory, token: try token())
        let version = try keys.generate(provider: provider, now: Date())
        let signer = try PreparedSigner(key: try keys.privateKey(of: version), algorithm: .es256)
        let publicKey = try keys.publicKey(of: version)
        let threads = 8
        let perThread = 100
        let valid = Mutex(0)
        let start = ContinuousClock.now
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            let input = Array("thread \(thread)".utf8)
            var count = 0
            for _ in 0..<perThread {
                guard let signature = try? signer.sign(input) else { continue }
                if publicKey.verify(signature: signature, data: input, algorithm: .es256) { count += 1 }
            }
            valid.withLock { $0 += count }
        }
        let elapsed = ContinuousClock.now - start
        print("token signing: \(threads) threads, \(threads * perThread) ES256 signatures and checks in \(elapsed)")
        #expect(valid.withLock { $0 } == threads * perThread)
    }

    /// The figure for the operator: signatures per second through SoftHSM2, beside the same key type in memory
    /// (printed; no timing assertion).
    @Test func tokenSignaturesVerifyAndTheirRateIsReported() throws {
        let pki = try TestPKI()
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let keys = KeyDirectory(url: directory, token: try token())
        let version = try keys.generate(provider: provider, now: pki.now)
        // The prepared context the node's pipeline signs with.
        let signer = try PreparedSigner(key: try keys.privateKey(of: version), algorithm: .es256)
        let publicKey = try KeyDirectory.loadPublicKey(
            directory.appendingPathComponent("VN_GOV_BCA_DANCU/\(version.name).pub.pem"))
        let input = Array(String(repeating: "x", count: 1_000).utf8)
        let count = 500
        func rate(_ signer: PreparedSigner) throws -> (signatures: [[UInt8]], perSecond: Int) {
            let start = ContinuousClock.now
            let signatures = try (0..<count).map { _ in try signer.sign(input) }
            let elapsed = (ContinuousClock.now - start).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
            return (signatures, Int(Double(count) / seconds))
        }
        let (signatures, tokenRate) = try rate(signer)
        let memoryRate = try rate(try PreparedSigner(key: try SigningKey.generate(.p256), algorithm: .es256)).perSecond
        print("token signing: ES256 \(tokenRate)/s through SoftHSM2, \(memoryRate)/s with the key in memory")
        #expect(Set(signatures).count == count)
        for signature in signatures.prefix(20) {
            #expect(publicKey.verify(signature: signature, data: input, algorithm: .es256))
        }
    }
}
