import Foundation
import LienthongJSON
import Testing

@testable import LienthongTrust

/// The origin signs in one place: the tree form is the bytes form's signature beside the message as given.
struct EnvelopeSignerTests {
    let provider = "VN/GOV/BCA/DANCU"

    @Test func theTreeCarriesTheSignatureTheBodyCarries() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(provider)
        let identity = try JWSSigningIdentity(key: key, chain: chain)
        let message: JSONValue = ["type": "receipt", "provider": .string(provider), "score": 4.50]
        let signed = try EnvelopeSigner.sign(message, identity: identity, issuedAt: pki.now)
        #expect(try JSONValue.parse(signed.body)["signatures"] == [signed.signature.json])
        let tree = try EnvelopeSigner.sign(message: message, identity: identity, issuedAt: pki.now)
        #expect(tree["message"] == message)
        let signature = try JWSSignature(json: try #require(tree["signatures"]?[0]))
        let verified = try JWSVerifier.verify(
            signature, payload: try JCS.canonicalize(message), trust: pki.verifier(), expectedMember: provider,
            at: pki.now)
        #expect(verified.member == provider)
    }

    /// Both forms refuse a message that is not an object, before anything is signed.
    @Test func aMessageThatIsNotAnObjectIsRefused() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(provider)
        let identity = try JWSSigningIdentity(key: key, chain: chain)
        #expect(throws: TrustError(.malformedEnvelope, "")) {
            try EnvelopeSigner.sign(JSONValue.array([1]), identity: identity, issuedAt: pki.now)
        }
        #expect(throws: TrustError(.malformedEnvelope, "")) {
            try EnvelopeSigner.sign(message: "text", identity: identity, issuedAt: pki.now)
        }
    }
}
