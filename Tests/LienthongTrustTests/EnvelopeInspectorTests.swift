import Foundation
import LienthongJSON
import Testing

@testable import LienthongTrust

struct EnvelopeInspectorTests {
    let provider = "VN/GOV/BCA/DANCU"
    let message: JSONValue = ["type": "record", "id": "1", "provider": "VN/GOV/BCA/DANCU", "record": [:]]

    func outcomes(_ inspection: SignatureInspection) -> [String: String] {
        var result: [String: String] = [:]
        for check in inspection.checks {
            switch check.outcome {
            case .passed: result[check.name.rawValue] = "ok"
            case .failed(let error): result[check.name.rawValue] = error.code.wireCode
            case .skipped: result[check.name.rawValue] = "skipped"
            }
        }
        return result
    }

    @Test func validEnvelopePassesEveryCheck() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(provider)
        let envelope = try EnvelopeSigner.sign(message: message, key: key, chain: chain, issuedAt: pki.now)
        let report = EnvelopeInspector.inspect(envelope, trust: try pki.verifier(revoking: [chain[1]]), at: pki.now)
        #expect(report.isValid)
        #expect(report.member == provider)
        #expect(report.signatures.count == 1)
        let signature = report.signatures[0]
        #expect(signature.signer == provider)
        #expect(signature.keyID == chain[0].sha256Thumbprint)
        #expect(signature.algorithm == .es256)
        #expect(signature.isValid)
        #expect(signature.checks.map(\.name) == SignatureInspection.Check.Name.allCases)
    }

    @Test func eachFailureIsReportedOnItsOwnLine() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(provider, notAfter: pki.now + TestPKI.day)
        let envelope = try EnvelopeSigner.sign(message: message, key: key, chain: chain, issuedAt: pki.now)

        let expired = EnvelopeInspector.inspect(envelope, trust: try pki.verifier(), at: pki.now + 2 * TestPKI.day)
        #expect(!expired.isValid)
        #expect(
            outcomes(expired.signatures[0]) == [
                "header": "ok", "chain": "ok", "validity": "trust.expired-certificate", "revocation": "skipped",
                "key-usage": "ok", "member": "ok", "signature": "ok",
            ])
        let revoked = EnvelopeInspector.inspect(envelope, trust: try pki.verifier(revoking: [chain[0]]), at: pki.now)
        #expect(outcomes(revoked.signatures[0])["revocation"] == "trust.revoked-certificate")
        #expect(outcomes(revoked.signatures[0])["validity"] == "ok")
        guard case .failure(let error) = revoked.verdict else {
            Issue.record("revoked envelope verified")
            return
        }
        #expect(error.code == .revokedCertificate)

        let stranger = EnvelopeInspector.inspect(envelope, trust: try TestPKI(name: "Other").verifier(), at: pki.now)
        // The x5c carries our intermediate, which chains to a root the other PKI does not trust.
        #expect(outcomes(stranger.signatures[0])["chain"] == "trust.untrusted-certificate")
        #expect(outcomes(stranger.signatures[0])["signature"] == "ok")

        var tampered = try #require(envelope.objectValue)
        tampered["message"] = ["type": "record", "id": "2", "provider": "VN/GOV/BTC/DKKD", "record": [:]]
        let wrong = EnvelopeInspector.inspect(.object(tampered), trust: try pki.verifier(), at: pki.now)
        #expect(outcomes(wrong.signatures[0])["member"] == "trust.wrong-member")
        #expect(outcomes(wrong.signatures[0])["signature"] == "trust.bad-signature")
    }
}
