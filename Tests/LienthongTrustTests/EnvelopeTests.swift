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

    /// The checks of `signature` that failed (a skipped CRL check is not a failure).
    func failedChecks(_ signature: SignatureInspection) -> [String] {
        signature.checks.compactMap { check in
            if case .failed = check.outcome { return check.name.rawValue }
            return nil
        }
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

    @Test func providerNamedInAnotherNormalisationFormIsAnotherMember() throws {
        // The certificate names "Sở Y tế" in NFC; a message claiming the NFD form (equal for `String ==`) is not
        // from that member.
        let pki = try TestPKI()
        let (key, chain) = try pki.member("VN/PROV/S\u{1EDF}-Y-T\u{1EBF}")
        var claimed = try #require(message().objectValue)
        claimed["provider"] = .string("VN/PROV/So\u{31B}\u{309}-Y-Te\u{302}\u{301}")
        let envelope = try EnvelopeSigner.sign(message: .object(claimed), key: key, chain: chain, issuedAt: pki.now)
        #expect(throws: TrustError(.wrongMember, "")) {
            try EnvelopeVerifier.verify(envelope, trust: pki.verifier(), at: pki.now)
        }
    }

    @Test func everySignatureIsChecked() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(provider)
        let (rsaKey, rsaChain) = try pki.member(provider, keyType: .rsa(bits: 2048))
        let once = try EnvelopeSigner.sign(message: message(), key: key, chain: chain, issuedAt: pki.now)
        let twice = try EnvelopeSigner.countersign(once, key: rsaKey, chain: rsaChain, issuedAt: pki.now)
        let verified = try EnvelopeVerifier.verify(twice, trust: pki.verifier(), at: pki.now)
        #expect(verified.signatures.map(\.algorithm) == [.es256, .ps256])

        // A countersignature from a CA the anchors do not know fails, and names its index.
        let (strangerKey, strangerChain) = try TestPKI(name: "Other").member(consumer)
        let withStranger = try EnvelopeSigner.countersign(
            twice, key: strangerKey, chain: strangerChain, issuedAt: pki.now)
        #expect(throws: TrustError(.untrustedCertificate, "")) {
            try EnvelopeVerifier.verify(withStranger, trust: pki.verifier(), at: pki.now)
        }
        do {
            _ = try EnvelopeVerifier.verify(withStranger, trust: pki.verifier(), at: pki.now)
        } catch let error as TrustError {
            #expect(error.detail.hasPrefix("signatures[2]"))
        }
    }

    @Test func recordCountersignedByAForwardingHopVerifiesAndReportsBothMembers() throws {
        let pki = try TestPKI()
        let hop = "VN/GOV/BTC/LIENTHONG"
        let (key, chain) = try pki.member(provider)
        let (hopKey, hopChain) = try pki.member(hop)
        let signed = try EnvelopeSigner.sign(message: message(), key: key, chain: chain, issuedAt: pki.now)
        let forwarded = try EnvelopeSigner.countersign(signed, key: hopKey, chain: hopChain, issuedAt: pki.now + 5)
        // The message and the origin's signature are untouched.
        #expect(forwarded["message"] == signed["message"])
        #expect(forwarded["signatures"]?[0] == signed["signatures"]?[0])

        let verified = try EnvelopeVerifier.verify(
            JSONValue.parse(forwarded.serializedBytes(pretty: true)), trust: pki.verifier(), at: pki.now + 10)
        #expect(verified.member == provider)
        #expect(verified.origin.member == provider)
        #expect(verified.countersignatures.map(\.member) == [hop])
        #expect(
            verified.signatures.map(\.issuedAt.timeIntervalSince1970)
                == [pki.now, pki.now + 5].map { $0.timeIntervalSince1970.rounded(.down) })

        let report = EnvelopeInspector.inspect(forwarded, trust: try pki.verifier(), at: pki.now + 10)
        #expect(report.isValid)
        #expect(report.signatures.map(\.role) == [.origin, .countersignature])
        #expect(report.signatures.map(\.member) == [provider, hop])
        #expect(report.signatures.map(failedChecks) == [[], []])
    }

    @Test func countersignatureWithAFlippedByteFailsAsABadSignature() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(provider)
        let (hopKey, hopChain) = try pki.member("VN/GOV/BTC/LIENTHONG")
        let forwarded = try EnvelopeSigner.countersign(
            EnvelopeSigner.sign(message: message(), key: key, chain: chain, issuedAt: pki.now),
            key: hopKey, chain: hopChain, issuedAt: pki.now)
        var object = try #require(forwarded.objectValue)
        var signatures = try #require(object["signatures"]?.arrayValue)
        var countersignature = try #require(signatures[1].objectValue)
        var bytes = try Base64URL.decode(try #require(countersignature["signature"]?.stringValue))
        bytes[10] ^= 0x01
        countersignature["signature"] = .string(Base64URL.encode(bytes))
        signatures[1] = .object(countersignature)
        object["signatures"] = .array(signatures)
        do {
            _ = try EnvelopeVerifier.verify(.object(object), trust: pki.verifier(), at: pki.now)
            Issue.record("a flipped countersignature verified")
        } catch let error as TrustError {
            #expect(error.code == .badSignature)
            #expect(error.detail.hasPrefix("signatures[1]"))
        }
        let report = EnvelopeInspector.inspect(.object(object), trust: try pki.verifier(), at: pki.now)
        #expect(report.signatures.map(failedChecks) == [[], ["signature"]])
    }

    @Test func originFromAnotherMemberFailsEvenWhenTheMemberCountersigns() throws {
        let pki = try TestPKI()
        let (providerKey, providerChain) = try pki.member(provider)
        let (otherKey, otherChain) = try pki.member(consumer)
        // The consumer signs a record that claims the provider; the provider's countersignature does not cure it.
        let forged = try EnvelopeSigner.countersign(
            EnvelopeSigner.sign(message: message(), key: otherKey, chain: otherChain, issuedAt: pki.now),
            key: providerKey, chain: providerChain, issuedAt: pki.now)
        do {
            _ = try EnvelopeVerifier.verify(forged, trust: pki.verifier(), at: pki.now)
            Issue.record("an envelope whose origin is another member verified")
        } catch let error as TrustError {
            #expect(error.code == .wrongMember)
            #expect(error.detail.hasPrefix("signatures[0]"))
        }
        #expect(throws: TrustError(.malformedEnvelope, "")) {
            try EnvelopeSigner.countersign(
                ["message": message(), "signatures": []], key: otherKey, chain: otherChain, issuedAt: pki.now)
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
