import Foundation
import LienthongJSON
import Testing

@testable import LienthongTrust

/// One identity reuses its protected header within a second and makes a new one for another second, in either
/// direction (clocks step back), each the header a fresh build would give.
struct ProtectedHeaderCacheTests {
    let member = "VN/GOV/BCA/DANCU"
    let payload = Array(#"{"id":"7d1c","type":"record"}"#.utf8)

    @Test func eachSignatureNamesItsOwnSecond() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(member)
        let identity = try JWSSigningIdentity(key: key, chain: chain)
        let verifier = try pki.verifier()
        let base = pki.now.timeIntervalSince1970.rounded(.down)
        for offset in [0.1, 0.9, 1.2, 0.5, -3.0, -3.0, 2.0] {
            let issuedAt = Date(timeIntervalSince1970: base + offset)
            let signature = try JWSSigner.sign(payload: payload, identity: identity, issuedAt: issuedAt)
            let fresh = JWSHeader.json(
                algorithm: identity.algorithm, keyID: identity.keyID, encodedChain: identity.encodedChain,
                issuedAt: issuedAt)
            #expect(signature.protected == Base64URL.encode(fresh.serializedBytes()))
            let header = try JWSHeader(protected: signature.protected)
            #expect(header.issuedAt == Date(timeIntervalSince1970: (base + offset).rounded(.down)))
            let verified = try JWSVerifier.verify(
                signature, payload: payload, trust: verifier, expectedMember: member, at: pki.now)
            #expect(verified.issuedAt == header.issuedAt)
        }
    }
}
