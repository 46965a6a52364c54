import Foundation
import LienthongJSON
import Testing

@testable import LienthongTrust

/// The validated-chain cache of a trust store: a cached chain still needs a good signature, and is not used past
/// the chain's or its CRL's validity, nor by a store with other anchors or CRLs; the cache is bounded.
struct ChainCacheTests {
    let provider = "VN/GOV/BCA/DANCU"

    func envelope(_ pki: TestPKI, key: SigningKey, chain: [Certificate]) throws -> JSONValue {
        let message: JSONValue = [
            "type": "record", "id": "0b6f5c2e-8a51-4b8e-9a51-0c1f6a8e7d11", "provider": .string(provider),
            "consumer": "VN/GOV/BTC/DKKD", "record": ["fullName": "Nguyễn Văn An"],
        ]
        return try EnvelopeSigner.sign(message: message, key: key, chain: chain, issuedAt: pki.now)
    }

    /// `envelope` with the last byte of its first signature value changed (same length: still base64url).
    func flippingSignature(of envelope: JSONValue) throws -> JSONValue {
        var object = try #require(envelope.objectValue)
        var signature = try #require(envelope["signatures"]?.arrayValue?.first?.objectValue)
        let value = try #require(signature["signature"]?.stringValue)
        var bytes = try Base64URL.decode(value)
        bytes[bytes.count - 1] ^= 0x01
        signature["signature"] = .string(Base64URL.encode(bytes))
        object["signatures"] = [.object(signature)]
        return .object(object)
    }

    @Test func cachedChainStillNeedsAGoodSignature() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(provider)
        let trust = try pki.verifier()
        let envelope = try envelope(pki, key: key, chain: chain)
        _ = try EnvelopeVerifier.verify(envelope, trust: trust, at: pki.now)
        #expect(trust.trustStore.chains.count == 1)
        #expect(throws: TrustError(.badSignature, "")) {
            try EnvelopeVerifier.verify(try flippingSignature(of: envelope), trust: trust, at: pki.now)
        }
        // The good one still verifies from the cache, with the key the cache holds.
        let verified = try EnvelopeVerifier.verify(envelope, trust: trust, at: pki.now)
        #expect(verified.origin.chain == chain + [pki.root.certificate])
        #expect(trust.trustStore.chains.count == 1)
    }

    @Test func cachedChainIsNotUsedAfterItExpires() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(provider, notAfter: pki.now + TestPKI.day)
        let trust = try pki.verifier()
        let envelope = try envelope(pki, key: key, chain: chain)
        _ = try EnvelopeVerifier.verify(envelope, trust: trust, at: pki.now)
        #expect(trust.trustStore.chains.count == 1)
        #expect(throws: TrustError(.expiredCertificate, "")) {
            try EnvelopeVerifier.verify(envelope, trust: trust, at: pki.now + 2 * TestPKI.day)
        }
        // Dropped at the earliest notAfter of the chain.
        #expect(trust.trustStore.chains.count == 0)
    }

    @Test func cachedChainIsNotUsedBeforeItIsValid() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(provider, notBefore: pki.now - 60)
        let trust = try pki.verifier()
        let envelope = try envelope(pki, key: key, chain: chain)
        _ = try EnvelopeVerifier.verify(envelope, trust: trust, at: pki.now)
        #expect(throws: TrustError(.notYetValidCertificate, "")) {
            try EnvelopeVerifier.verify(envelope, trust: trust, at: pki.now - 3600)
        }
    }

    @Test func aNewCRLRevokingTheLeafIsApplied() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(provider)
        let envelope = try envelope(pki, key: key, chain: chain)
        let before = try pki.verifier()
        _ = try EnvelopeVerifier.verify(envelope, trust: before, at: pki.now)
        #expect(before.trustStore.chains.count == 1)
        // The new CRL comes as a new store (a reload or a new global configuration).
        let after = try pki.verifier(revoking: [chain[0]])
        #expect(throws: TrustError(.revokedCertificate, "")) {
            try EnvelopeVerifier.verify(envelope, trust: after, at: pki.now)
        }
    }

    @Test func cachedChainIsNotUsedAfterItsCRLExpires() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(provider)
        let envelope = try envelope(pki, key: key, chain: chain)
        // A CRL revoking another certificate, due again in a week.
        let (_, other) = try pki.member(provider)
        let trust = try pki.verifier(revoking: [other[0]])
        _ = try EnvelopeVerifier.verify(envelope, trust: trust, at: pki.now)
        #expect(trust.trustStore.chains.count == 1)
        #expect(throws: TrustError(.revocationUnavailable, "")) {
            try EnvelopeVerifier.verify(envelope, trust: trust, at: pki.now + 8 * TestPKI.day)
        }
    }

    @Test func aTrustReloadStartsAfresh() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(provider)
        let envelope = try envelope(pki, key: key, chain: chain)
        _ = try EnvelopeVerifier.verify(envelope, trust: try pki.verifier(), at: pki.now)
        // The operator replaced the anchors: the chain under the old root is no longer trusted.
        let other = try TestPKI(name: "Other")
        #expect(throws: TrustError(.untrustedCertificate, "")) {
            try EnvelopeVerifier.verify(envelope, trust: try other.verifier(), at: pki.now)
        }
    }

    @Test func cachedChainStillNamesItsMember() throws {
        let pki = try TestPKI()
        let (_, chain) = try pki.member(provider)
        let trust = try pki.verifier()
        _ = try trust.verify(chain: chain, expectedMember: provider, at: pki.now)
        #expect(throws: TrustError(.wrongMember, "")) {
            try trust.verify(chain: chain, expectedMember: "VN/GOV/BTC/DKKD", at: pki.now)
        }
    }

    @Test func theCacheIsBounded() throws {
        let pki = try TestPKI()
        let trust = CertificateVerifier(
            trustStore: try TrustStore(anchors: [pki.root.certificate], revocationLists: [], cachedChains: 2), clockSkew: 0)
        var chains: [[Certificate]] = []
        for index in 0..<5 {
            // Different expiries: the one ending first makes room.
            let (_, chain) = try pki.member(provider, notAfter: pki.now + TestPKI.day * Double(10 - index))
            chains.append(chain)
            _ = try trust.verify(chain: chain, expectedMember: provider, at: pki.now)
            #expect(trust.trustStore.chains.count == min(index + 1, 2))
        }
        // Every chain still verifies, cached or not.
        for chain in chains {
            #expect(try trust.verify(chain: chain, expectedMember: provider, at: pki.now).leaf == chain[0])
        }
        #expect(trust.trustStore.chains.count == 2)
    }

    /// A chain given as DER (a TLS peer's) is validated once and then found in the cache by its bytes; bytes that are
    /// no certificate, or a chain outside the anchors, are refused as before.
    @Test func aChainAsDERIsValidatedOnceAndFoundByItsBytes() throws {
        let pki = try TestPKI()
        let (_, chain) = try pki.member(provider)
        let trust = try pki.verifier()
        let der = chain.map(\.derBytes)
        let first = try trust.verify(chainDER: der, expectedMember: provider, at: pki.now)
        #expect(trust.trustStore.chains.count == 1)
        let second = try trust.verify(chainDER: der, expectedMember: nil, at: pki.now)
        #expect(second == first)
        #expect(trust.trustStore.chains.count == 1)
        #expect(first == (try trust.verify(chain: chain, expectedMember: provider, at: pki.now)))
        #expect(throws: TrustError(.wrongMember, "")) {
            try trust.verify(chainDER: der, expectedMember: "VN/GOV/BTC", at: pki.now)
        }
        #expect(throws: TrustError(.untrustedCertificate, "")) {
            try trust.verify(chainDER: [], expectedMember: nil, at: pki.now)
        }
        #expect(throws: TrustError.self) {
            try trust.verify(chainDER: [Array(der[0].dropLast())], expectedMember: nil, at: pki.now)
        }
        let stranger = try TestPKI(name: "Other").member(provider).chain.map(\.derBytes)
        #expect(throws: TrustError.self) {
            try trust.verify(chainDER: stranger, expectedMember: nil, at: pki.now)
        }
    }
}
