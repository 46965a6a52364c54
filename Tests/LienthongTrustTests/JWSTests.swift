import Foundation
import LienthongJSON
import Testing

@testable import LienthongTrust

struct JWSTests {
    let member = "VN/GOV/BCA/DANCU"
    let payload = Array(#"{"id":"7d1c","provider":"VN/GOV/BCA/DANCU","type":"record"}"#.utf8)

    static let algorithms: [(KeyType, JWSAlgorithm)] = [
        (.p256, .es256), (.ed25519, .edDSA), (.rsa3072, .rs256), (.rsa3072, .ps256),
    ]

    @Test(arguments: algorithms)
    func signThenVerifyRoundTrips(type: KeyType, algorithm: JWSAlgorithm) throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(member, keyType: type)
        let issuedAt = Date(timeIntervalSince1970: 1_795_000_000)
        let signature = try JWSSigner.sign(
            payload: payload, key: key, chain: chain, algorithm: algorithm, issuedAt: issuedAt)
        let verified = try JWSVerifier.verify(
            signature, payload: payload, trust: pki.verifier(), expectedMember: member, at: pki.now)
        #expect(verified.algorithm == algorithm)
        #expect(verified.member == member)
        #expect(verified.issuedAt == issuedAt)
        #expect(verified.keyID == chain[0].sha256Thumbprint)
        #expect(verified.certificate == chain[0])
        #expect(verified.chain.last == pki.root.certificate)
    }

    /// One identity signs from many threads at once (its prepared context is copied per signature), and every
    /// signature verifies; distinct signatures for ECDSA and PSS show each call ran its own randomised signing.
    @Test(arguments: algorithms)
    func oneIdentitySignsConcurrently(type: KeyType, algorithm: JWSAlgorithm) async throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(member, keyType: type)
        let identity = try JWSSigningIdentity(key: key, chain: chain, algorithm: algorithm)
        let verifier = try pki.verifier()
        let signatures = try await withThrowingTaskGroup(of: [JWSSignature].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try (0..<25).map { _ in try JWSSigner.sign(payload: payload, identity: identity, issuedAt: pki.now) }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(signatures.count == 200)
        for signature in signatures {
            let verified = try JWSVerifier.verify(
                signature, payload: payload, trust: verifier, expectedMember: member, at: pki.now)
            #expect(verified.algorithm == algorithm)
        }
        let distinct = Set(signatures.map(\.signature)).count
        if algorithm == .es256 || algorithm == .ps256 { #expect(distinct == 200) } else { #expect(distinct == 1) }
    }

    @Test func protectedHeaderHasTheLienthongShape() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(member)
        let signature = try JWSSigner.sign(
            payload: payload, key: key, chain: chain, algorithm: .es256,
            issuedAt: Date(timeIntervalSince1970: 1_795_000_000.7))
        let text = String(decoding: try Base64URL.decode(signature.protected), as: UTF8.self)
        let x5c = chain.map { "\"\(Base64.encode($0.derBytes))\"" }.joined(separator: ",")
        #expect(
            text == #"{"alg":"ES256","b64":false,"crit":["b64"],"iat":1795000000,"kid":""#
                + chain[0].sha256Thumbprint + #"","typ":"lienthong-envelope+json","x5c":["# + x5c + "]}")
        #expect(try Base64URL.decode(signature.signature).count == 64)
        #expect(try JWSSignature(json: signature.json) == signature)
    }

    @Test func flippedBytesInPayloadProtectedOrSignatureFail() throws {
        let pki = try TestPKI()
        let verifier = try pki.verifier()
        let (key, chain) = try pki.member(member)
        let signature = try JWSSigner.sign(
            payload: payload, key: key, chain: chain, algorithm: .es256, issuedAt: pki.now)

        for index in [0, payload.count / 2, payload.count - 1] {
            var tampered = payload
            tampered[index] ^= 0x01
            #expect(throws: TrustError(.badSignature, "")) {
                try JWSVerifier.verify(
                    signature, payload: tampered, trust: verifier, expectedMember: member, at: pki.now)
            }
        }
        #expect(throws: TrustError(.badSignature, "")) {
            try JWSVerifier.verify(
                signature, payload: payload + [0x20], trust: verifier, expectedMember: member, at: pki.now)
        }

        var signatureBytes = try Base64URL.decode(signature.signature)
        signatureBytes[10] ^= 0x01
        let badSignature = JWSSignature(protected: signature.protected, signature: Base64URL.encode(signatureBytes))
        #expect(throws: TrustError(.badSignature, "")) {
            try JWSVerifier.verify(badSignature, payload: payload, trust: verifier, expectedMember: member, at: pki.now)
        }
        let truncated = JWSSignature(
            protected: signature.protected, signature: Base64URL.encode(Array(signatureBytes.dropLast())))
        #expect(throws: TrustError(.malformedSignature, "")) {
            try JWSVerifier.verify(truncated, payload: payload, trust: verifier, expectedMember: member, at: pki.now)
        }

        // Same header, one value changed: still well formed, but no longer what was signed.
        var header = try JSONValue.parse(Base64URL.decode(signature.protected)).objectValue ?? [:]
        header["iat"] = .number(JSONNumber(1))
        let changedHeader = JWSSignature(
            protected: Base64URL.encode(JSONValue.object(header).serializedBytes()), signature: signature.signature)
        #expect(throws: TrustError(.badSignature, "")) {
            try JWSVerifier.verify(
                changedHeader, payload: payload, trust: verifier, expectedMember: member, at: pki.now)
        }
        // A flipped byte in the encoded header breaks it as JSON or as a signature: either way rejected.
        var protectedBytes = Array(signature.protected.utf8)
        for index in [0, protectedBytes.count / 2, protectedBytes.count - 3] {
            protectedBytes = Array(signature.protected.utf8)
            protectedBytes[index] = protectedBytes[index] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            let flipped = JWSSignature(
                protected: String(decoding: protectedBytes, as: UTF8.self), signature: signature.signature)
            #expect(throws: TrustError.self) {
                try JWSVerifier.verify(flipped, payload: payload, trust: verifier, expectedMember: member, at: pki.now)
            }
        }
    }

    /// A signature whose header is `header`, made with `key` as if by a careless or hostile signer.
    private func forge(_ header: JSONObject, key: SigningKey, algorithm: JWSAlgorithm) throws -> JWSSignature {
        let protected = Base64URL.encode(JSONValue.object(header).serializedBytes())
        let signature = try key.sign(
            JWSSignature.signingInput(protected: protected, payload: payload), algorithm: algorithm)
        return JWSSignature(protected: protected, signature: Base64URL.encode(signature))
    }

    private func header(_ chain: [Certificate], alg: String = "ES256") -> JSONObject {
        [
            "alg": .string(alg), "b64": false, "crit": ["b64"], "iat": 1_795_000_000,
            "kid": .string(chain[0].sha256Thumbprint), "typ": "lienthong-envelope+json",
            "x5c": .array(chain.map { .string(Base64.encode($0.derBytes)) }),
        ]
    }

    @Test func forgedHeaderWithTheRightShapeVerifies() throws {
        // Guards the tests below: they fail for the one change they make, not for the helper.
        let pki = try TestPKI()
        let (key, chain) = try pki.member(member)
        let signature = try forge(header(chain), key: key, algorithm: .es256)
        #expect(throws: Never.self) {
            try JWSVerifier.verify(
                signature, payload: payload, trust: pki.verifier(), expectedMember: member, at: pki.now)
        }
    }

    @Test func aCachedChainIsFoundByItsX5CTextByCodePoints() throws {
        // The cache finds a chain by its x5c text without decoding it: a second signature from the same chain is a
        // hit, but a text canonically equivalent to the cached one (KELVIN SIGN for "K") is not the same chain.
        let pki = try TestPKI()
        let (key, chain) = try pki.member(member)
        let leaf = Base64.encode(chain[0].derBytes)
        try #require(leaf.contains("K"))
        let trust = try pki.verifier()
        _ = try JWSVerifier.verify(
            try forge(header(chain), key: key, algorithm: .es256), payload: payload, trust: trust,
            expectedMember: member, at: pki.now)
        var later = header(chain)
        later["iat"] = 1_795_000_060
        _ = try JWSVerifier.verify(
            try forge(later, key: key, algorithm: .es256), payload: payload, trust: trust, expectedMember: member,
            at: pki.now)
        #expect(trust.trustStore.chains.count == 1)
        var equivalent = header(chain)
        equivalent["x5c"] = .array(
            [.string(leaf.replacingOccurrences(of: "K", with: "\u{212A}"))]
                + chain.dropFirst().map { .string(Base64.encode($0.derBytes)) })
        #expect(throws: TrustError(.malformedJWS, "")) {
            try JWSVerifier.verify(
                try forge(equivalent, key: key, algorithm: .es256), payload: payload, trust: trust,
                expectedMember: member, at: pki.now)
        }
    }

    @Test func kidComparesWithTheThumbprintByCodePoints() throws {
        // U+212A KELVIN SIGN is canonically equivalent to "K" (equal for Swift's `String ==`), not the same kid.
        let pki = try TestPKI()
        var issued = try pki.member(member)
        for _ in 0..<40 where !issued.chain[0].sha256Thumbprint.contains("K") { issued = try pki.member(member) }
        try #require(issued.chain[0].sha256Thumbprint.contains("K"))
        var forged = header(issued.chain)
        forged["kid"] = .string(issued.chain[0].sha256Thumbprint.replacingOccurrences(of: "K", with: "\u{212A}"))
        let signature = try forge(forged, key: issued.key, algorithm: .es256)
        #expect(throws: TrustError(.kidMismatch, "")) {
            try JWSVerifier.verify(
                signature, payload: payload, trust: pki.verifier(), expectedMember: member, at: pki.now)
        }
    }

    @Test func algNoneAndHMACAreRejected() throws {
        let pki = try TestPKI()
        let verifier = try pki.verifier()
        let (key, chain) = try pki.member(member)
        let none = Base64URL.encode(JSONValue.object(header(chain, alg: "none")).serializedBytes())
        #expect(throws: TrustError(.unsupportedAlgorithm, "")) {
            try JWSVerifier.verify(
                JWSSignature(protected: none, signature: ""), payload: payload, trust: verifier, expectedMember: member,
                at: pki.now)
        }
        // HS256 keyed with the public certificate: the classic algorithm-confusion attack.
        let hs256 = Base64URL.encode(JSONValue.object(header(chain, alg: "HS256")).serializedBytes())
        let mac = HMAC.sha256(
            key: chain[0].derBytes, data: JWSSignature.signingInput(protected: hs256, payload: payload))
        #expect(throws: TrustError(.unsupportedAlgorithm, "")) {
            try JWSVerifier.verify(
                JWSSignature(protected: hs256, signature: Base64URL.encode(mac)), payload: payload, trust: verifier,
                expectedMember: member, at: pki.now)
        }
        // An allowed algorithm that does not fit the key is rejected too.
        let edDSA = try forge(header(chain, alg: "EdDSA"), key: key, algorithm: .es256)
        #expect(throws: TrustError(.unsupportedAlgorithm, "")) {
            try JWSVerifier.verify(edDSA, payload: payload, trust: verifier, expectedMember: member, at: pki.now)
        }
    }

    @Test(arguments: [
        ("b64", JSONValue.bool(true)), ("b64", .null), ("crit", .array([.string("b64"), .string("exp")])),
        ("crit", .array([])), ("crit", .null), ("crit", .string("b64")), ("typ", .string("JWT")), ("typ", .null),
        ("iat", .null), ("iat", .string("1795000000")), ("x5c", .array([])), ("x5c", .null),
        ("x5c", .array([.string("not base64!")])), ("kid", .null),
    ])
    func malformedHeadersAreRejected(name: String, value: JSONValue) throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(member)
        var forged = header(chain)
        if value.isNull { forged[name] = nil } else { forged[name] = value }
        let signature = try forge(forged, key: key, algorithm: .es256)
        #expect(throws: TrustError(.malformedJWS, "")) {
            try JWSVerifier.verify(
                signature, payload: payload, trust: pki.verifier(), expectedMember: member, at: pki.now)
        }
    }

    @Test func kidMustBeTheLeafThumbprint() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member(member)
        var forged = header(chain)
        forged["kid"] = .string(chain[1].sha256Thumbprint)
        #expect(throws: TrustError(.kidMismatch, "")) {
            try JWSVerifier.verify(
                try forge(forged, key: key, algorithm: .es256), payload: payload, trust: pki.verifier(),
                expectedMember: member, at: pki.now)
        }
    }

    @Test func signatureByAnotherMemberOrUntrustedChainIsRejected() throws {
        let pki = try TestPKI()
        let (key, chain) = try pki.member("VN/GOV/BTC/DKKD")
        let signature = try JWSSigner.sign(
            payload: payload, key: key, chain: chain, algorithm: .es256, issuedAt: pki.now)
        #expect(throws: TrustError(.wrongMember, "")) {
            try JWSVerifier.verify(
                signature, payload: payload, trust: pki.verifier(), expectedMember: member, at: pki.now)
        }
        #expect(throws: TrustError(.untrustedCertificate, "")) {
            try JWSVerifier.verify(
                signature, payload: payload, trust: TestPKI(name: "Other").verifier(),
                expectedMember: "VN/GOV/BTC/DKKD",
                at: pki.now)
        }
        #expect(throws: TrustError(.revokedCertificate, "")) {
            try JWSVerifier.verify(
                signature, payload: payload, trust: pki.verifier(revoking: [chain[0]]),
                expectedMember: "VN/GOV/BTC/DKKD",
                at: pki.now)
        }
    }

    @Test func signerRefusesAKeyThatIsNotTheLeafs() throws {
        let pki = try TestPKI()
        let (_, chain) = try pki.member(member)
        #expect(throws: TrustError(.keyMismatch, "")) {
            try JWSSigner.sign(
                payload: payload, key: SigningKey.generate(), chain: chain, algorithm: .es256, issuedAt: pki.now)
        }
    }
}
