import Foundation
import LienthongJSON
import Testing

@testable import LienthongTrust

struct EnvelopeTests {
    let provider = "VN/GOV/BCA/DANCU"
    let consumer = "VN/GOV/BTC/DKKD"

    func message(type: String = "record") -> JSONValue {
        [
            "type": .string(type), "id": "0b6f5c2e-8a51-4b8e-9a51-0c1f6a8e7d11",
            "requestId": "5a4c9e7b-1f0d-4f5e-8b3a-2d6c7e8f9a01", "issuedAt": "2026-11-26T10:00:00Z",
            "provider": .string(provider), "consumer": .string(consumer), "service": "VN/GOV/BCA/DANCU/person",
            "purpose": "enterprise-registration", "schema": "person.v1",
            "requestHash": "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU",
            "record": ["fullName": "Nguyễn Văn An", "birthYear": 1990, "score": 0.5, "tags": ["a", "ß", "😀"]],
        ]
    }

    @Test func signedRecordVerifiesAfterReserialisation() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(provider)
        let envelope = try EnvelopeSigner.sign(message: message(), key: key, chain: chain, issuedAt: pki.now)
        // Pretty printing, parsing and re-serialising changes the bytes on the wire, not JCS(message).
        let reparsed = try JSONValue.parse(envelope.serializedBytes(pretty: true))
        let verified = try EnvelopeVerifier.verify(reparsed, trust: pki.verifier(), at: pki.now)
        #expect(verified.member == provider)
        #expect(verified.message == message())
        #expect(verified.signatures.count == 1)
        #expect(verified.signatures[0].algorithm == .es256)
    }

    @Test func changedMessageFails() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(provider)
        let envelope = try EnvelopeSigner.sign(message: message(), key: key, chain: chain, issuedAt: pki.now)
        var object = try #require(envelope.objectValue)
        var changed = try #require(message().objectValue)
        changed["purpose"] = "marketing"
        object["message"] = .object(changed)
        #expect(throws: TrustError(.badSignature, "")) {
            try EnvelopeVerifier.verify(.object(object), trust: pki.verifier(), at: pki.now)
        }
    }

    @Test func requestsAreSignedByTheConsumerAndRecordsByTheProvider() throws {
        let pki = try TestPKI()
        let (providerKey, providerChain) = try pki.member(provider)
        let (consumerKey, consumerChain) = try pki.member(consumer, keyType: .ed25519)
        let request = try EnvelopeSigner.sign(
            message: message(type: "request"), key: consumerKey, chain: consumerChain, issuedAt: pki.now)
        let verified = try EnvelopeVerifier.verify(request, trust: pki.verifier(), at: pki.now)
        #expect(verified.member == consumer)
        #expect(verified.signatures[0].algorithm == .edDSA)

        let requestByProvider = try EnvelopeSigner.sign(
            message: message(type: "request"), key: providerKey, chain: providerChain, issuedAt: pki.now)
        #expect(throws: TrustError(.wrongMember, "")) {
            try EnvelopeVerifier.verify(requestByProvider, trust: pki.verifier(), at: pki.now)
        }
        let recordByConsumer = try EnvelopeSigner.sign(
            message: message(), key: consumerKey, chain: consumerChain, issuedAt: pki.now)
        #expect(throws: TrustError(.wrongMember, "")) {
            try EnvelopeVerifier.verify(recordByConsumer, trust: pki.verifier(), at: pki.now)
        }
    }

    @Test func everySignatureIsChecked() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(provider)
        let (rsaKey, rsaChain) = try pki.member(provider, keyType: .rsa(bits: 2048))
        let (otherKey, otherChain) = try pki.member(consumer)
        let once = try EnvelopeSigner.sign(message: message(), key: key, chain: chain, issuedAt: pki.now)
        let twice = try EnvelopeSigner.addSignature(to: once, key: rsaKey, chain: rsaChain, issuedAt: pki.now)
        let verified = try EnvelopeVerifier.verify(twice, trust: pki.verifier(), at: pki.now)
        #expect(verified.signatures.map(\.algorithm) == [.es256, .ps256])

        let withStranger = try EnvelopeSigner.addSignature(
            to: twice, key: otherKey, chain: otherChain, issuedAt: pki.now)
        #expect(throws: TrustError(.wrongMember, "")) {
            try EnvelopeVerifier.verify(withStranger, trust: pki.verifier(), at: pki.now)
        }
        do {
            _ = try EnvelopeVerifier.verify(withStranger, trust: pki.verifier(), at: pki.now)
        } catch let error as TrustError {
            #expect(error.detail.hasPrefix("signatures[2]"))
        }
    }

    @Test func unsignedOrMalformedEnvelopesAreRejected() throws {
        let pki = try TestPKI()
        let verifier = try pki.verifier()
        let unsigned: JSONValue = ["message": message(), "signatures": []]
        #expect(throws: TrustError(.malformedEnvelope, "")) {
            try EnvelopeVerifier.verify(unsigned, trust: verifier, at: pki.now)
        }
        #expect(throws: TrustError(.malformedEnvelope, "")) {
            try EnvelopeVerifier.verify(["message": message()], trust: verifier, at: pki.now)
        }
        var noProvider = try #require(message().objectValue)
        noProvider["provider"] = nil
        let (key, chain) = try pki.member(provider)
        #expect(throws: TrustError(.malformedEnvelope, "")) {
            try EnvelopeVerifier.verify(
                EnvelopeSigner.sign(message: .object(noProvider), key: key, chain: chain, issuedAt: pki.now),
                trust: verifier, at: pki.now)
        }
        let withHeader: JSONValue = [
            "message": message(),
            "signatures": [["protected": "e30", "signature": "", "header": ["kid": "x"]]],
        ]
        #expect(throws: TrustError(.malformedJWS, "")) {
            try EnvelopeVerifier.verify(withHeader, trust: verifier, at: pki.now)
        }
    }
}
