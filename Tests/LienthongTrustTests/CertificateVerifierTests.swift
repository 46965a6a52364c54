import Foundation
import Testing

@testable import LienthongTrust

struct CertificateVerifierTests {
    let member = "VN/GOV/BCA/DANCU"

    @Test(arguments: [KeyType.p256, .ed25519, .rsa(bits: 2048)])
    func validChainForTheExpectedMemberIsAccepted(type: KeyType) throws {
        let pki = try TestPKI(keyType: type)
        let (_, chain) = try pki.member(member, keyType: type)
        let verified = try pki.verifier().verify(chain: chain, expectedMember: member, at: pki.now)
        #expect(verified.member == member)
        #expect(verified.leaf == chain[0])
        #expect(verified.chain == chain + [pki.root.certificate])
    }

    @Test func expiredLeafIsRejected() throws {
        let pki = try TestPKI()
        let (_, chain) = try pki.member(member, notBefore: pki.now - 30 * TestPKI.day, notAfter: pki.now - TestPKI.day)
        #expect(throws: TrustError(.expiredCertificate, "")) {
            try pki.verifier().verify(chain: chain, expectedMember: member, at: pki.now)
        }
        // The same chain was fine while it was valid.
        #expect(throws: Never.self) {
            try pki.verifier().verify(chain: chain, expectedMember: member, at: pki.now - 2 * TestPKI.day)
        }
    }

    @Test func notYetValidLeafIsRejected() throws {
        let pki = try TestPKI()
        let (_, chain) = try pki.member(member, notBefore: pki.now + TestPKI.day, notAfter: pki.now + 30 * TestPKI.day)
        #expect(throws: TrustError(.notYetValidCertificate, "")) {
            try pki.verifier().verify(chain: chain, expectedMember: member, at: pki.now)
        }
    }

    @Test func clockSkewToleratesSmallOffsetsOnly() throws {
        let pki = try TestPKI()
        let (_, expiring) = try pki.member(member, notAfter: pki.now - 60)
        let (_, starting) = try pki.member(member, notBefore: pki.now + 60)
        #expect(throws: Never.self) {
            try pki.verifier(clockSkew: 300).verify(chain: expiring, expectedMember: member, at: pki.now)
        }
        #expect(throws: Never.self) {
            try pki.verifier(clockSkew: 300).verify(chain: starting, expectedMember: member, at: pki.now)
        }
        #expect(throws: TrustError(.expiredCertificate, "")) {
            try pki.verifier(clockSkew: 30).verify(chain: expiring, expectedMember: member, at: pki.now)
        }
        #expect(throws: TrustError(.notYetValidCertificate, "")) {
            try pki.verifier(clockSkew: 30).verify(chain: starting, expectedMember: member, at: pki.now)
        }
    }

    @Test func chainFromAnotherCAIsUntrusted() throws {
        let ours = try TestPKI()
        let theirs = try TestPKI(name: "Other")
        let (_, chain) = try theirs.member(member)
        #expect(throws: TrustError(.untrustedCertificate, "")) {
            try ours.verifier().verify(chain: chain, expectedMember: member, at: ours.now)
        }
        // A chain that carries its own root is still not trusted.
        #expect(throws: TrustError(.untrustedCertificate, "")) {
            try ours.verifier().verify(chain: chain + [theirs.root.certificate], expectedMember: member, at: ours.now)
        }
        // A self-signed leaf is not trusted either.
        #expect(throws: TrustError(.untrustedCertificate, "")) {
            try ours.verifier().verify(
                chain: [theirs.root.certificate], expectedMember: nil, at: ours.now, requireDigitalSignature: false)
        }
    }

    @Test func missingIntermediateIsReported() throws {
        let pki = try TestPKI()
        let (_, chain) = try pki.member(member)
        #expect(throws: TrustError(.missingIntermediate, "")) {
            try pki.verifier().verify(chain: [chain[0]], expectedMember: member, at: pki.now)
        }
    }

    @Test func certificateOfAnotherMemberIsRejected() throws {
        let pki = try TestPKI()
        let (_, chain) = try pki.member("VN/GOV/BTC/DKKD")
        #expect(throws: TrustError(.wrongMember, "")) {
            try pki.verifier().verify(chain: chain, expectedMember: member, at: pki.now)
        }
        // Case and prefixes matter: ids are compared exactly.
        let (_, lower) = try pki.member("vn/gov/bca/dancu")
        #expect(throws: TrustError(.wrongMember, "")) {
            try pki.verifier().verify(chain: lower, expectedMember: member, at: pki.now)
        }
    }

    @Test func memberIdsCompareByCodePoints() throws {
        // NFC "Sở Y tế" and its NFD form are canonically equivalent (equal for Swift's `String ==`), not the same id.
        let nfc = "VN/PROV/S\u{1EDF}-Y-T\u{1EBF}"
        let nfd = "VN/PROV/So\u{31B}\u{309}-Y-Te\u{302}\u{301}"
        let pki = try TestPKI()
        let (_, chain) = try pki.member(nfc)
        #expect(try pki.verifier().verify(chain: chain, expectedMember: nfc, at: pki.now).member.utf8.elementsEqual(nfc.utf8))
        #expect(throws: TrustError(.wrongMember, "")) {
            try pki.verifier().verify(chain: chain, expectedMember: nfd, at: pki.now)
        }
    }

    @Test func revokedLeafIsRejected() throws {
        let pki = try TestPKI()
        let (_, revoked) = try pki.member(member)
        let (_, fine) = try pki.member(member)
        let verifier = try pki.verifier(revoking: [revoked[0]])
        #expect(verifier.revocationCheck == .leaf)
        #expect(throws: TrustError(.revokedCertificate, "")) {
            try verifier.verify(chain: revoked, expectedMember: member, at: pki.now)
        }
        #expect(throws: Never.self) { try verifier.verify(chain: fine, expectedMember: member, at: pki.now) }
        // The CRL survives PEM.
        // Issued before the verification time: the default `thisUpdate` (the clock now) can fall in the second after
        // `pki.now`, and a CRL issued after the verification time is not yet valid (a flaky test, once in a while).
        let list = try pki.intermediate.revocationList(
            revoking: [revoked[0]], thisUpdate: pki.now - 60, nextUpdate: pki.now + TestPKI.day)
        let reparsed = try CertificateRevocationList(pem: list.pemString)
        #expect(reparsed.issuerCommonName == "Test Intermediate CA")
        let store = try TrustStore(anchors: [pki.root.certificate], revocationLists: [reparsed])
        #expect(throws: TrustError(.revokedCertificate, "")) {
            try CertificateVerifier(trustStore: store).verify(chain: revoked, expectedMember: member, at: pki.now)
        }
    }

    @Test func revocationCheckWithoutACRLForTheIssuerFails() throws {
        let pki = try TestPKI()
        let (_, chain) = try pki.member(member)
        // A CRL from the root covers the intermediate, not the leaf.
        let rootList = try pki.root.revocationList(
            revoking: [], thisUpdate: pki.now - 60, nextUpdate: pki.now + TestPKI.day)
        let store = try TrustStore(anchors: [pki.root.certificate], revocationLists: [rootList])
        #expect(throws: TrustError(.revocationUnavailable, "")) {
            try CertificateVerifier(trustStore: store).verify(chain: chain, expectedMember: member, at: pki.now)
        }
    }

    @Test func leafWithoutDigitalSignatureIsRejected() throws {
        let pki = try TestPKI()
        // A CA certificate has keyCertSign only.
        #expect(throws: TrustError(.keyUsage, "")) {
            try pki.verifier().verify(
                chain: [pki.intermediate.certificate], expectedMember: "Test Intermediate CA", at: pki.now)
        }
    }

    @Test func emptyChainIsUntrusted() throws {
        #expect(throws: TrustError(.untrustedCertificate, "")) {
            try TestPKI().verifier().verify(chain: [], expectedMember: member, at: Date())
        }
    }
}
