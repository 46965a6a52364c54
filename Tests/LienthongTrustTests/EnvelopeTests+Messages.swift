import Foundation
import LienthongJSON
import Testing

@testable import LienthongTrust

/// Whose signature the envelopes of documents between agencies need: a document's sender, a receipt's issuer; a
/// registry's document response keeps needing its provider.
extension EnvelopeTests {
    @Test func documentsAreSignedByTheSenderAndReceiptsByTheIssuer() throws {
        let pki = try TestPKI()
        let (senderKey, senderChain) = try pki.member(consumer)
        let (providerKey, providerChain) = try pki.member(provider)
        let document: JSONValue = [
            "type": "document", "id": "x", "sender": .string(consumer), "recipient": "VN/GOV/BTC/THUE",
        ]
        #expect(try EnvelopeVerifier.expectedMember(of: document) == consumer)
        let signed = try EnvelopeSigner.sign(message: document, key: senderKey, chain: senderChain, issuedAt: pki.now)
        #expect(try EnvelopeVerifier.verify(signed, trust: pki.verifier(), at: pki.now).member == consumer)
        let byProvider = try EnvelopeSigner.sign(
            message: document, key: providerKey, chain: providerChain, issuedAt: pki.now)
        #expect(throws: TrustError(.wrongMember, "")) {
            try EnvelopeVerifier.verify(byProvider, trust: pki.verifier(), at: pki.now)
        }

        let receipt: JSONValue = ["type": "receipt", "issuer": .string(provider), "receiver": .string(consumer)]
        #expect(try EnvelopeVerifier.expectedMember(of: receipt) == provider)
        // A registry's document response names its provider, as before.
        let response: JSONValue = ["type": "document", "provider": .string(provider), "consumer": .string(consumer)]
        #expect(try EnvelopeVerifier.expectedMember(of: response) == provider)
        // Naming both would leave open whose signature counts.
        let both: JSONValue = ["type": "document", "provider": .string(provider), "sender": .string(consumer)]
        #expect(throws: TrustError(.malformedEnvelope, "")) { try EnvelopeVerifier.expectedMember(of: both) }
    }
}
