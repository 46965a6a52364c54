import Foundation
import LienthongJSON
import Testing

@testable import LienthongTrust

/// The protected-header cache of a trust store: a header is served from it only for the same text (by code points),
/// still needs its own good signature and member, is not used past its chain's validity nor by another store, and
/// the cache is bounded.
struct HeaderCacheTests {
    let member = "VN/GOV/BCA/DANCU"
    let payload = Array(#"{"id":"7d1c","provider":"VN/GOV/BCA/DANCU","type":"record"}"#.utf8)

    func sign(_ pki: TestPKI, key: SigningKey, chain: [Certificate], at time: Date? = nil) throws -> JWSSignature {
        try JWSSigner.sign(payload: payload, key: key, chain: chain, algorithm: .es256, issuedAt: time ?? pki.now)
    }

    func verify(_ signature: JWSSignature, _ trust: CertificateVerifier, at time: Date, member: String? = nil)
        throws -> VerifiedSignature
    {
        try JWSVerifier.verify(signature, payload: payload, trust: trust, expectedMember: member, at: time)
    }

    @Test func aHeaderSeenBeforeIsKeptAndStillNeedsAGoodSignature() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(member)
        let trust = try pki.verifier()
        let signature = try sign(pki, key: key, chain: chain)
        _ = try verify(signature, trust, at: pki.now)
        #expect(trust.trustStore.headers.count == 1)
        var bytes = try Base64URL.decode(signature.signature)
        bytes[bytes.count - 1] ^= 0x01
        let flipped = JWSSignature(protected: signature.protected, signature: Base64URL.encode(bytes))
        #expect(throws: TrustError(.badSignature, "")) { try verify(flipped, trust, at: pki.now) }
        #expect(try verify(signature, trust, at: pki.now).certificate == chain[0])
        #expect(trust.trustStore.headers.count == 1)
    }

    @Test func aCachedHeaderStillNamesItsMember() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(member)
        let trust = try pki.verifier()
        let signature = try sign(pki, key: key, chain: chain)
        _ = try verify(signature, trust, at: pki.now, member: member)
        #expect(throws: TrustError(.wrongMember, "")) {
            try verify(signature, trust, at: pki.now, member: "VN/GOV/BTC/DKKD")
        }
    }

    @Test func aChangedHeaderIsReadAgain() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(member)
        let trust = try pki.verifier()
        _ = try verify(try sign(pki, key: key, chain: chain), trust, at: pki.now)
        // The next second's header from the same signer: other text, read for its own iat.
        let later = try verify(try sign(pki, key: key, chain: chain, at: pki.now + 1), trust, at: pki.now + 1)
        #expect(later.issuedAt == Date(timeIntervalSince1970: (pki.now + 1).timeIntervalSince1970.rounded(.down)))
        #expect(trust.trustStore.headers.count == 2)
    }

    @Test func aTamperedHeaderFailsAndIsNotKept() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(member)
        let trust = try pki.verifier()
        let signature = try sign(pki, key: key, chain: chain)
        _ = try verify(signature, trust, at: pki.now)
        var header = try #require(try JSONValue.parse(Base64URL.decode(signature.protected)).objectValue)
        header["iat"] = 1_700_000_000
        let tampered = JWSSignature(
            protected: Base64URL.encode(JSONValue.object(header).serializedBytes()), signature: signature.signature)
        #expect(throws: TrustError(.badSignature, "")) { try verify(tampered, trust, at: pki.now) }
        #expect(throws: TrustError(.badSignature, "")) { try verify(tampered, trust, at: pki.now) }
        #expect(trust.trustStore.headers.count == 1)
    }

    @Test func aHeaderIsFoundByItsTextByCodePoints() throws {
        // U+212A KELVIN SIGN is canonically equivalent to "K" (equal for Swift's `String ==`): not the cached text.
        let pki = try TestPKI()
        let (key, chain) = try pki.member(member)
        let trust = try pki.verifier()
        let signature = try sign(pki, key: key, chain: chain)
        try #require(signature.protected.contains("K"))
        _ = try verify(signature, trust, at: pki.now)
        let equivalent = JWSSignature(
            protected: signature.protected.replacingOccurrences(of: "K", with: "\u{212A}"),
            signature: signature.signature)
        #expect(throws: TrustError(.malformedJWS, "")) { try verify(equivalent, trust, at: pki.now) }
    }

    @Test func aCachedHeaderIsNotUsedAfterItsChainExpires() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(member, notAfter: pki.now + TestPKI.day)
        let trust = try pki.verifier()
        let signature = try sign(pki, key: key, chain: chain)
        _ = try verify(signature, trust, at: pki.now)
        #expect(trust.trustStore.headers.count == 1)
        #expect(throws: TrustError(.expiredCertificate, "")) {
            try verify(signature, trust, at: pki.now + 2 * TestPKI.day)
        }
        #expect(trust.trustStore.headers.count == 0)
    }

    @Test func aTrustReloadStartsWithNoHeaders() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(member)
        let signature = try sign(pki, key: key, chain: chain)
        _ = try verify(signature, try pki.verifier(), at: pki.now)
        // A reload brings a CRL revoking the leaf: the new store has no header, the chain is checked against it.
        let after = try pki.verifier(revoking: [chain[0]])
        #expect(after.trustStore.headers.count == 0)
        #expect(throws: TrustError(.revokedCertificate, "")) { try verify(signature, after, at: pki.now) }
        let other = try TestPKI(name: "Other").verifier()
        #expect(throws: TrustError(.untrustedCertificate, "")) { try verify(signature, other, at: pki.now) }
    }

    @Test func theCacheIsBounded() throws {
        let pki = try TestPKI()
        let trust = CertificateVerifier(
            trustStore: try TrustStore(anchors: [pki.root.certificate], revocationLists: [], cachedChains: 2),
            clockSkew: 0)
        let (key, chain) = try pki.member(member)
        let signatures = try (0..<5).map { try sign(pki, key: key, chain: chain, at: pki.now - Double($0)) }
        for (index, signature) in signatures.enumerated() {
            _ = try verify(signature, trust, at: pki.now)
            #expect(trust.trustStore.headers.count == min(index + 1, 2))
        }
        for signature in signatures { #expect(try verify(signature, trust, at: pki.now).member == member) }
        #expect(trust.trustStore.headers.count == 2)
    }
}
