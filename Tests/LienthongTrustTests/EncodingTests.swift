import Foundation
import Testing

@testable import LienthongTrust

struct Base64URLTests {
    @Test(arguments: [
        ([UInt8](), ""), ([0x66], "Zg"), ([0x66, 0x6f], "Zm8"), ([0x66, 0x6f, 0x6f], "Zm9v"),
        ([0xfb, 0xff], "-_8"), ([0x03, 0xe0, 0x7f, 0xbf], "A-B_vw"),
    ])
    func encodesAndDecodesWithoutPadding(bytes: [UInt8], text: String) throws {
        #expect(Base64URL.encode(bytes) == text)
        #expect(try Base64URL.decode(text) == bytes)
    }

    @Test func roundTripsRandomBytesOfEveryLength() throws {
        for length in 0..<70 {
            let bytes = SecureRandom.bytes(length)
            #expect(try Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
    }

    @Test(arguments: ["Zg==", "Zg=", "Zm9v=", "Z", "Zm9vY", "Zm+v", "Zm/v", "Zm 9v", "Zm9v\n", "Zh", "Zm9", "é"])
    func rejectsPaddingInvalidCharactersTruncationAndNonCanonicalInput(text: String) {
        #expect(throws: TrustError(.malformedBase64, "")) { try Base64URL.decode(text) }
    }

    @Test func standardBase64IsStrict() throws {
        #expect(Base64.encode([0xfb, 0xff]) == "+/8=")
        #expect(try Base64.decode("+/8=") == [0xfb, 0xff])
        for bad in ["+/8", "-_8=", "+/8=\n", "+/=8", "Zg===", "Zh=="] {
            #expect(throws: TrustError(.malformedBase64, "")) { try Base64.decode(bad) }
        }
    }
}

struct DigestTests {
    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    @Test func sha256MatchesFIPS180Vector() {
        #expect(
            hex(Digest.sha256(Array("abc".utf8)))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            hex(Digest.sha256([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func hmacSHA256MatchesRFC4231TestCase2() {
        let mac = HMAC.sha256(key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8))
        #expect(hex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(HMAC.isEqual(mac, mac))
        #expect(!HMAC.isEqual(mac, HMAC.sha256(key: Array("Jeff".utf8), data: [])))
    }

    @Test func randomBytesDiffer() {
        #expect(SecureRandom.bytes(32).count == 32)
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
    }
}

struct TrustErrorTests {
    @Test func problemsKeepTrustCodesAndHideLocalFailures() {
        #expect(TrustError(.revokedCertificate, "certificate X").problem.status == 401)
        #expect(TrustError(.revokedCertificate, "certificate X").problem.code == "trust.revoked-certificate")
        #expect(TrustError(.malformedJWS, "x5c").problem.status == 400)
        let local = TrustError(.fileAccess, "cannot read signing.key.pem").problem
        #expect(local.status == 500)
        #expect(local.detail.isEmpty)
        #expect(TrustError(.badSignature, "a") == TrustError(.badSignature, "b"))
        #expect(TrustError(.badSignature, "a") != TrustError(.wrongMember, "a"))
    }
}
