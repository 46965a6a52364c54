import Foundation
import LienthongCore
import LienthongJSON
import Testing

@testable import LienthongTrust

/// The response body carries, as its `message`, exactly the bytes that were signed.
struct SignedEnvelopeTests {
    let provider = "VN/GOV/BCA/DANCU"

    func message(issuedAt: Date) throws -> ExchangeMessage {
        // A big integer and a non-normal literal: plain serialisation keeps the former's digits and JCS does not,
        // so a body serialised apart from the signed bytes would differ from them.
        let record = try JSONValue.parse(
            #"{"fullName":"Nguyễn Văn An","\u00e9":1,"e\u0301":2,"big":12345678901234567890,"score":4.50}"#)
        return ExchangeMessage(
            type: "record", id: "0b6f5c2e-8a51-4b8e-9a51-0c1f6a8e7d11", requestID: "5a4c9e7b-1f0d-4f5e-8b3a-2d6c7e8f9a01",
            issuedAt: issuedAt, provider: try #require(ExchangeID(provider)),
            consumer: try #require(ExchangeID("VN/GOV/BTC/DKKD")), service: try #require(ExchangeID("VN/GOV/BCA/DANCU/person")),
            purpose: "enterprise-registration", schema: "person.v1", requestHash: "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU",
            payload: ("record", record))
    }

    @Test func bodyMessageIsByteForByteTheSignedPayload() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(provider)
        let message = try message(issuedAt: pki.now)
        let signed = try EnvelopeSigner.sign(
            message, identity: JWSSigningIdentity(key: key, chain: chain), issuedAt: pki.now)
        let payload = try message.canonicalBytes()

        let prefix = Array(#"{"message":"#.utf8)
        let end = prefix.count + payload.count
        #expect(signed.body.starts(with: prefix))
        let embedded = Array(signed.body[prefix.count..<min(end, signed.body.count)])
        #expect(embedded == payload)
        #expect(signed.body[min(end, signed.body.count)...].starts(with: Array(#","signatures":[{"#.utf8)))
        #expect(signed.messageSHA256 == Base64URL.encode(Digest.sha256(payload)))

        // The origin signature verifies over the body's own message bytes, and the body as a whole is canonical.
        let envelope = try JSONValue.parse(signed.body)
        let signature = try JWSSignature(json: try #require(envelope["signatures"]?[0]))
        let verified = try JWSVerifier.verify(
            signature, payload: embedded, trust: pki.verifier(), expectedMember: provider, at: pki.now)
        #expect(verified.member == provider)
        #expect(try JCS.canonicalize(envelope) == signed.body)
        #expect(try EnvelopeVerifier.verify(bytes: signed.body, trust: pki.verifier(), at: pki.now).member == provider)
    }

    /// A forwarding hop countersigns the verified envelope without parsing or canonicalising its message again: the
    /// body carries the verified payload byte for byte, then the origin's signature as received, then the hop's,
    /// and both verify over that payload.
    @Test func countersigningAVerifiedEnvelopeKeepsTheSignedBytes() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(provider)
        let (hopKey, hopChain) = try pki.member("VN/GOV/HCM")
        let message = try message(issuedAt: pki.now)
        let signed = try EnvelopeSigner.sign(
            message, identity: JWSSigningIdentity(key: key, chain: chain), issuedAt: pki.now)
        let verified = try EnvelopeVerifier.verify(bytes: signed.body, trust: pki.verifier(), at: pki.now)
        #expect(verified.payload == (try message.canonicalBytes()))
        #expect(verified.received == [signed.signature])

        let countersigned = try EnvelopeSigner.countersign(
            verified, identity: JWSSigningIdentity(key: hopKey, chain: hopChain), issuedAt: pki.now)
        #expect(countersigned.body.starts(with: Array(#"{"message":"#.utf8) + verified.payload))
        #expect(countersigned.messageSHA256 == signed.messageSHA256)
        let envelope = try JSONValue.parse(countersigned.body)
        #expect(try JCS.canonicalize(envelope) == countersigned.body)
        let again = try EnvelopeVerifier.verify(bytes: countersigned.body, trust: pki.verifier(), at: pki.now)
        #expect(again.member == provider)
        #expect(again.countersignatures.map(\.member) == ["VN/GOV/HCM"])
        #expect(again.received == [signed.signature, countersigned.signature])
    }
}
