import Foundation
import LienthongJSON
import Testing

@testable import LienthongTrust

/// Bad inputs on the envelope path, each with its own stable code.
struct EnvelopeBadInputTests {
    let provider = "VN/GOV/BCA/DANCU"

    func message(name: String = "Nguyễn Văn An") -> JSONValue {
        [
            "type": "record", "id": "0b6f5c2e-8a51-4b8e-9a51-0c1f6a8e7d11", "provider": .string(provider),
            "consumer": "VN/GOV/BTC/DKKD", "purpose": "enterprise-registration", "record": ["fullName": .string(name)],
        ]
    }

    func signed(_ pki: TestPKI, keyType: KeyType = .p256) throws -> JSONValue {
        let (key, chain) = try pki.member(provider, keyType: keyType)
        return try EnvelopeSigner.sign(message: message(), key: key, chain: chain, issuedAt: pki.now)
    }

    /// `envelope` with its first signature's `signature` member replaced.
    func replacingSignature(of envelope: JSONValue, with value: String) throws -> JSONValue {
        var object = try #require(envelope.objectValue)
        var signature = try #require(envelope["signatures"]?.arrayValue?.first?.objectValue)
        signature["signature"] = .string(value)
        object["signatures"] = [.object(signature)]
        return .object(object)
    }

    @Test func duplicateMemberNameInMessageIsRejectedAtParse() throws {
        let pki = try TestPKI()
        let envelope = try signed(pki)
        let text = String(decoding: envelope.serializedBytes(), as: UTF8.self)
        // Same signature, but the message now says "purpose" twice: one parser might read either value.
        let duplicated = text.replacingOccurrences(
            of: #""purpose":"enterprise-registration""#,
            with: #""purpose":"enterprise-registration","purpose":"marketing""#)
        #expect(duplicated != text)
        #expect(throws: TrustError(.duplicateKey, "")) { try EnvelopeParser.parse(Array(duplicated.utf8)) }
        #expect(throws: TrustError(.duplicateKey, "")) {
            try EnvelopeVerifier.verify(bytes: Array(duplicated.utf8), trust: pki.verifier(), at: pki.now)
        }
        #expect(TrustError(.duplicateKey, "").problem.code == "trust.duplicate-key")
        // The untouched bytes verify through the same path.
        #expect(throws: Never.self) {
            try EnvelopeVerifier.verify(bytes: Array(text.utf8), trust: pki.verifier(), at: pki.now)
        }
    }

    @Test func notJSONOrWrongShapeIsMalformedEnvelope() throws {
        for text in [#"{"message":{"#, #"[]"#, #"{"message":[],"signatures":[]}"#, "\u{FEFF}{}"] {
            #expect(throws: TrustError(.malformedEnvelope, "")) { try EnvelopeParser.parse(Array(text.utf8)) }
        }
    }

    @Test func nonNFCStringsVerifyExactlyAsSigned() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(provider)
        // "Nguyễn" decomposed (NFD): e + combining circumflex + combining tilde.
        let decomposed = "Nguye\u{0302}\u{0303}n Va\u{0306}n An"
        let composed = "Nguyễn Văn An"
        #expect(Array(decomposed.utf8) != Array(composed.utf8))
        let envelope = try EnvelopeSigner.sign(
            message: message(name: decomposed), key: key, chain: chain, issuedAt: pki.now)
        let bytes = envelope.serializedBytes()
        let verified = try EnvelopeVerifier.verify(bytes: bytes, trust: pki.verifier(), at: pki.now)
        let fullName = try #require(verified.message["record"]?["fullName"]?.stringValue)
        #expect(Array(fullName.utf8) == Array(decomposed.utf8))
        // Normalising to NFC on the way changes the signed bytes: no silent normalisation on either side.
        var object = try #require(envelope.objectValue)
        object["message"] = message(name: composed)
        #expect(throws: TrustError(.badSignature, "")) {
            try EnvelopeVerifier.verify(.object(object), trust: pki.verifier(), at: pki.now)
        }
    }

    @Test func truncatedBase64URLSignatureIsMalformedBase64() throws {
        let pki = try TestPKI()
        let envelope = try signed(pki)
        let value = try #require(envelope["signatures"]?[0]?["signature"]?.stringValue)
        #expect(value.count == 86)
        let truncated = try replacingSignature(of: envelope, with: String(value.dropLast()))  // 85 ≡ 1 (mod 4)
        #expect(throws: TrustError(.malformedBase64, "")) {
            try EnvelopeVerifier.verify(truncated, trust: pki.verifier(), at: pki.now)
        }
    }

    @Test(arguments: [KeyType.p256, .ed25519, .rsa(bits: 2048)])
    func rightLengthWrongValueIsBadSignatureWrongLengthIsMalformed(keyType: KeyType) throws {
        let pki = try TestPKI()
        let envelope = try signed(pki, keyType: keyType)
        let value = try #require(envelope["signatures"]?[0]?["signature"]?.stringValue)
        let length = try Base64URL.decode(value).count
        #expect(length == JWSVerifier.signatureLength(of: keyType))
        let random = try replacingSignature(of: envelope, with: Base64URL.encode(SecureRandom.bytes(length)))
        #expect(throws: TrustError(.badSignature, "")) {
            try EnvelopeVerifier.verify(random, trust: pki.verifier(), at: pki.now)
        }
        for wrong in [length - 1, length + 1, 0] {
            let mangled = try replacingSignature(of: envelope, with: Base64URL.encode(SecureRandom.bytes(wrong)))
            #expect(throws: TrustError(.malformedSignature, "")) {
                try EnvelopeVerifier.verify(mangled, trust: pki.verifier(), at: pki.now)
            }
        }
    }

    @Test func x5cInTheWrongOrderIsChainOrder() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(provider)
        let payload = try JCS.canonicalize(message())
        // Honest kid and signature; only the x5c order is reversed (intermediate first).
        for order in [[chain[1], chain[0]], [chain[0], pki.root.certificate, chain[1]]] {
            let header: JSONValue = [
                "alg": "ES256", "b64": false, "crit": ["b64"], "iat": 1_795_000_000,
                "kid": .string(chain[0].sha256Thumbprint), "typ": "lienthong-envelope+json",
                "x5c": .array(order.map { .string(Base64.encode($0.derBytes)) }),
            ]
            let protected = Base64URL.encode(header.serializedBytes())
            let signature = try key.sign(
                JWSSignature.signingInput(protected: protected, payload: payload), algorithm: .es256)
            let envelope: JSONValue = [
                "message": message(),
                "signatures": [["protected": .string(protected), "signature": .string(Base64URL.encode(signature))]],
            ]
            #expect(throws: TrustError(.chainOrder, "")) {
                try EnvelopeVerifier.verify(envelope, trust: pki.verifier(), at: pki.now)
            }
        }
        // Leaf, intermediate, root is in order and verifies.
        let full = try EnvelopeSigner.sign(
            message: message(), key: key, chain: chain + [pki.root.certificate], issuedAt: pki.now)
        #expect(throws: Never.self) { try EnvelopeVerifier.verify(full, trust: pki.verifier(), at: pki.now) }
    }

    @Test func envelopeLargerThanTheLimitIsRejectedBeforeParsing() throws {
        let pki = try TestPKI()
        let bytes = try signed(pki).serializedBytes()
        #expect(throws: Never.self) {
            try EnvelopeVerifier.verify(bytes: bytes, trust: pki.verifier(), at: pki.now, maxEnvelopeBytes: bytes.count)
        }
        #expect(throws: TrustError(.envelopeTooLarge, "")) {
            try EnvelopeVerifier.verify(
                bytes: bytes, trust: pki.verifier(), at: pki.now, maxEnvelopeBytes: bytes.count - 1)
        }
        // Not even JSON: the size is checked first.
        let huge = [UInt8](repeating: UInt8(ascii: "{"), count: EnvelopeParser.defaultMaxEnvelopeBytes + 1)
        #expect(throws: TrustError(.envelopeTooLarge, "")) { try EnvelopeParser.parse(huge) }
        #expect(TrustError(.envelopeTooLarge, "").problem.status == 413)
    }
}
