import Foundation
import LienthongJSON
import LienthongNodeStore
import LienthongTesting
import Testing

@testable import LienthongTrust

/// Nothing unsigned rides along in an envelope, and one signature is one signature whichever ECDSA form it is sent
/// in (issue #20, defect 5).
struct EnvelopeStrictnessTests {
    let provider = "VN/GOV/BCA/DANCU"

    func message() -> JSONValue {
        [
            "type": "record", "id": "0b6f5c2e-8a51-4b8e-9a51-0c1f6a8e7d11", "provider": .string(provider),
            "consumer": "VN/GOV/BTC/DKKD", "purpose": "enterprise-registration", "record": ["fullName": "An"],
        ]
    }

    func signed(_ pki: TestPKI) throws -> JSONValue {
        let (key, chain) = try pki.member(provider)
        return try EnvelopeSigner.sign(message: message(), key: key, chain: chain, issuedAt: pki.now)
    }

    /// `envelope` with its signatures array changed by `edit`.
    func editingSignatures(_ envelope: JSONValue, _ edit: (inout [JSONValue]) throws -> Void) throws -> JSONValue {
        var object = try #require(envelope.objectValue)
        var signatures = try #require(object["signatures"]?.arrayValue)
        try edit(&signatures)
        object["signatures"] = .array(signatures)
        return .object(object)
    }

    /// `signature` with its value `r || s` replaced by `r || (n − s)`: valid too, and made without the key.
    func malleated(_ signature: JSONValue) throws -> JSONValue {
        var object = try #require(signature.objectValue)
        let raw = try Base64URL.decode(try #require(object["signature"]?.stringValue))
        let twin = ECDSASignatureFormat.complement(p256: raw)
        #expect(twin.prefix(32) == raw.prefix(32) && twin != raw)
        object["signature"] = .string(Base64URL.encode(twin))
        return .object(object)
    }

    /// Verifies through the byte path as a node does: parse, then verify.
    func verify(_ envelope: JSONValue, _ pki: TestPKI) throws -> VerifiedEnvelope {
        try EnvelopeVerifier.verify(bytes: envelope.serializedBytes(), trust: pki.verifier(), at: pki.now)
    }

    @Test func extraTopLevelMemberIsUnknownMember() throws {
        let pki = try TestPKI()
        var object = try #require(try signed(pki).objectValue)
        _ = try verify(.object(object), pki)
        object["note"] = "pay to account 123"
        #expect(throws: TrustError(.unknownMember, "")) {
            try EnvelopeParser.parse(JSONValue.object(object).serializedBytes())
        }
        #expect(throws: TrustError(.unknownMember, "")) {
            try EnvelopeVerifier.verify(.object(object), trust: pki.verifier(), at: pki.now)
        }
        #expect(TrustError(.unknownMember, "").problem.status == 400)
        #expect(TrustError(.unknownMember, "").problem.code == "trust.unknown-member")
    }

    @Test func extraMemberInASignatureIsUnknownSignatureMember() throws {
        let pki = try TestPKI()
        let envelope = try editingSignatures(try signed(pki)) { signatures in
            var signature = try #require(signatures[0].objectValue)
            signature["comment"] = "approved"
            signatures[0] = .object(signature)
        }
        #expect(throws: TrustError(.unknownSignatureMember, "")) { try verify(envelope, pki) }
        #expect(TrustError(.unknownSignatureMember, "").problem.code == "trust.unknown-signature-member")
    }

    @Test func sameSignatureTwiceIsDuplicateSignatureAlsoInItsMalleatedForm() throws {
        let pki = try TestPKI()
        let envelope = try signed(pki)
        let twice = try editingSignatures(envelope) { $0.append($0[0]) }
        #expect(throws: TrustError(.duplicateSignature, "")) { try verify(twice, pki) }
        let twins = try editingSignatures(envelope) { $0.append(try malleated($0[0])) }
        #expect(throws: TrustError(.duplicateSignature, "")) { try verify(twins, pki) }
        #expect(TrustError(.duplicateSignature, "").problem.code == "trust.duplicate-signature")
    }

    @Test func moreThanTheMaximumOfSignaturesIsTooMany() throws {
        let pki = try TestPKI()
        var envelope = try signed(pki)
        for hop in 1..<EnvelopeParser.maxSignatures {
            let (key, chain) = try pki.member("VN/GOV/BTC/HOP\(hop)")
            envelope = try EnvelopeSigner.countersign(envelope, key: key, chain: chain, issuedAt: pki.now)
        }
        #expect(try verify(envelope, pki).signatures.count == EnvelopeParser.maxSignatures)
        let (key, chain) = try pki.member("VN/GOV/BTC/HOP9")
        #expect(throws: TrustError(.tooManySignatures, "")) {
            try EnvelopeSigner.countersign(envelope, key: key, chain: chain, issuedAt: pki.now)
        }
        // Checked before any signature is: a ninth copy of a valid one is refused for the count.
        let nine = try editingSignatures(envelope) { $0.append($0[0]) }
        #expect(throws: TrustError(.tooManySignatures, "")) { try EnvelopeParser.parse(nine.serializedBytes()) }
        #expect(throws: TrustError(.tooManySignatures, "")) {
            try EnvelopeVerifier.verify(nine, trust: pki.verifier(), at: pki.now)
        }
    }

    @Test func schemaListsExactlyWhatTheParserAccepts() throws {
        let file = Repository.root.appendingPathComponent("schemas/envelope.v1.json")
        let schema = try JSONValue.parse(Array(try Data(contentsOf: file)))
        #expect(schema["additionalProperties"] == false)
        #expect(schema["properties"]?.objectValue?.keys.sorted() == EnvelopeParser.members.sorted())
        let signatures = try #require(schema["properties"]?["signatures"])
        #expect(signatures["maxItems"]?.numberValue?.int == EnvelopeParser.maxSignatures)
        #expect(signatures["uniqueItems"] == true)
        #expect(signatures["items"]?["additionalProperties"] == false)
        #expect(signatures["items"]?["properties"]?.objectValue?.keys.sorted() == JWSSignature.members.sorted())
    }

    @Test func highSSignatureVerifiesAndHasTheLowSCanonicalValue() throws {
        let pki = try TestPKI()
        let envelope = try signed(pki)
        let twin = try editingSignatures(envelope) { $0[0] = try malleated($0[0]) }
        let original = try verify(envelope, pki).origin
        // Other JOSE libraries make high-S signatures: the twin must verify as well.
        let other = try verify(twin, pki).origin
        #expect(original.canonicalValue == other.canonicalValue)
        let values = try [envelope, twin].map { try #require($0["signatures"]?[0]?["signature"]?.stringValue) }
        #expect(values.contains(original.canonicalValue))
        // The canonical one is the low-S one: mapping it again changes nothing.
        let canonical = try Base64URL.decode(original.canonicalValue)
        #expect(ECDSASignatureFormat.lowS(p256: canonical) == canonical)
        #expect(ECDSASignatureFormat.lowS(p256: ECDSASignatureFormat.complement(p256: canonical)) == canonical)
    }

    @Test func replayWindowRefusesTheMalleatedTwinOfAnAdmittedSignature() throws {
        let pki = try TestPKI()
        let envelope = try signed(pki)
        let twin = try editingSignatures(envelope) { $0[0] = try malleated($0[0]) }
        let replay = try ReplayGuard(
            path: try temporaryDirectory().appendingPathComponent("replay.sqlite"), now: pki.now)
        let first = try verify(envelope, pki).origin
        try replay.admit(id: "jws|\(first.canonicalValue)", issuedAt: first.issuedAt, now: pki.now)
        let second = try verify(twin, pki).origin
        #expect(throws: TrustError(.replayDetected, "")) {
            try replay.admit(id: "jws|\(second.canonicalValue)", issuedAt: second.issuedAt, now: pki.now)
        }
    }
}
