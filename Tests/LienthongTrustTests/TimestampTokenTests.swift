import Foundation
import LienthongTesting
import LienthongTrust
import Testing

/// RFC 3161 tokens: built requests are answered by `openssl ts -reply`, and the tokens verify (or not).
struct TimestampTokenTests {
    let authority: OpenSSLTimestampAuthority
    let digest = Digest.sha256(Array("an audit checkpoint".utf8))

    init() throws {
        authority = try OpenSSLTimestampAuthority(
            directory: FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-tsa-\(UUID())"))
    }

    var anchors: [Certificate] {
        get throws { try Certificate.loadChain(from: authority.rootCertificate) }
    }

    @Test func aTokenFromOpenSSLVerifiesOverItsDigestAndGivesTheTime() throws {
        let before = Date().addingTimeInterval(-2)
        let token = try TimestampToken.token(
            fromResponse: authority.reply(to: TimestampToken.request(sha256: digest)))
        let time = try TimestampToken.verify(token, sha256: digest, anchors: anchors)
        #expect(time >= before)
        #expect(time <= Date().addingTimeInterval(2))
    }

    @Test func aTokenDoesNotVerifyOverAnotherDigestOrAnotherRoot() throws {
        let token = try TimestampToken.token(
            fromResponse: authority.reply(to: TimestampToken.request(sha256: digest)))
        #expect(throws: TrustError(.badSignature, "")) {
            try TimestampToken.verify(token, sha256: Digest.sha256([1, 2, 3]), anchors: try anchors)
        }
        let other = try OpenSSLTimestampAuthority(
            directory: FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-tsa-\(UUID())"))
        #expect(throws: TrustError(.badSignature, "")) {
            try TimestampToken.verify(
                token, sha256: digest, anchors: try Certificate.loadChain(from: other.rootCertificate))
        }
        #expect(throws: TrustError(.malformedSignature, "")) {
            try TimestampToken.verify([0x30, 0x00], sha256: digest, anchors: try anchors)
        }
    }
}
