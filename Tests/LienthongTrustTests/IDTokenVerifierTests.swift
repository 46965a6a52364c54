import Foundation
import LienthongJSON
import Testing

@testable import LienthongTrust

/// An OpenID Connect issuer for tests: its signing key, its JWKS and the ID tokens it signs.
struct TestIssuer {
    static let issuer = "https://sso.example.vn"
    static let audience = "lienthong-test"
    let key: SigningKey
    let kid: String
    /// The JWK of the public key.
    let jwk: JSONValue

    init(keyType: KeyType = .p256, kid: String = "key-1") throws {
        key = try SigningKey.generate(keyType)
        self.kid = kid
        let der = key.publicKey.derBytes
        switch keyType {
        case .rsa:
            // The modulus as openssl prints it; generated keys use e = 65537.
            let file = try temporaryDirectory().appendingPathComponent("public.der")
            try Data(der).write(to: file)
            let printed = try run(
                "openssl", ["rsa", "-pubin", "-inform", "DER", "-in", file.path, "-noout", "-modulus"])
            let hex = String(printed.output.split(separator: "=").last ?? "").trimmingCharacters(
                in: .whitespacesAndNewlines)
            jwk = [
                "kty": "RSA", "kid": .string(kid), "use": "sig", "n": .string(Base64URL.encode(Self.bytes(hex: hex))),
                "e": "AQAB",
            ]
        default:
            // A P-256 SubjectPublicKeyInfo ends with the uncompressed point 04 || x || y.
            let point = Array(der.suffix(64))
            jwk = [
                "kty": "EC", "crv": "P-256", "kid": .string(kid),
                "x": .string(Base64URL.encode(Array(point.prefix(32)))),
                "y": .string(Base64URL.encode(Array(point.suffix(32)))),
            ]
        }
    }

    /// The bytes of an even-length hex string (what `openssl -modulus` prints).
    private static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).compactMap {
            UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)
        }
    }

    /// The JWKS publishing this issuer's key.
    var jwks: [UInt8] { JSONValue.object(["keys": [jwk]]).serializedBytes() }

    /// Claims for `personalID` valid from `now` for five minutes.
    static func claims(_ personalID: String, now: Date) -> JSONObject {
        let seconds = Int(now.timeIntervalSince1970)
        return [
            "iss": .string(issuer), "aud": .string(audience), "sub": "vneid-4711",
            "vn_personal_id": .string(personalID), "iat": .number(JSONNumber(seconds)),
            "nbf": .number(JSONNumber(seconds)), "exp": .number(JSONNumber(seconds + 300)),
        ]
    }

    /// A compact JWS of `claims`, with `header` members over the defaults.
    func token(_ claims: JSONObject, header: JSONObject = [:]) throws -> String {
        var fields: JSONObject = [
            "alg": key.publicKey.type == .p256 ? "ES256" : "RS256", "kid": .string(kid), "typ": "JWT",
        ]
        fields.merge(header) { _, new in new }
        let input =
            Base64URL.encode(JSONValue.object(fields).serializedBytes()) + "."
            + Base64URL.encode(JSONValue.object(claims).serializedBytes())
        let algorithm = try JWSAlgorithm(header: fields["alg"]?.stringValue ?? "")
        return input + "." + Base64URL.encode(try key.sign(Array(input.utf8), algorithm: algorithm))
    }
}

/// ID tokens of the configured issuer are accepted; every other token is refused with its own code.
struct IDTokenVerifierTests {
    let now = Date(timeIntervalSince1970: 1_796_000_000)
    let verifier = IDTokenVerifier(
        configuration: .init(issuer: TestIssuer.issuer, audience: TestIssuer.audience, leeway: 30))

    func verify(_ token: String, _ issuer: TestIssuer, at time: Date? = nil) throws -> VerifiedIDToken {
        try verifier.verify(verifier.parse(token), keys: JSONWebKeySet(bytes: issuer.jwks), at: time ?? now)
    }

    func expectRefused(
        _ code: IDTokenError.Code, _ token: String, _ issuer: TestIssuer, at time: Date? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(throws: IDTokenError(code, ""), sourceLocation: sourceLocation) { try verify(token, issuer, at: time) }
    }

    @Test(arguments: [KeyType.p256, .rsa(bits: 2048)])
    func tokenOfTheIssuerProvesThePersonalID(keyType: KeyType) throws {
        let issuer = try TestIssuer(keyType: keyType)
        let verified = try verify(try issuer.token(TestIssuer.claims("001085012345", now: now)), issuer)
        #expect(verified.personalID == "001085012345")
        #expect(verified.subject == "vneid-4711")
        #expect(verified.expiresAt == now + 300)
    }

    @Test func expiryAndNotBeforeAllowTheLeewayOnly() throws {
        let issuer = try TestIssuer()
        let token = try issuer.token(TestIssuer.claims("001085012345", now: now))
        #expect(throws: Never.self) { try verify(token, issuer, at: now + 300 + 29) }
        expectRefused(.expired, token, issuer, at: now + 300 + 30)
        #expect(throws: Never.self) { try verify(token, issuer, at: now - 29) }
        expectRefused(.notYetValid, token, issuer, at: now - 31)
        #expect(IDTokenError(.expired, "").problem.status == 401)
        #expect(IDTokenError(.expired, "").problem.code == "id-token.expired")
    }

    @Test func issuerAndAudienceMustMatch() throws {
        let issuer = try TestIssuer()
        var claims = TestIssuer.claims("001085012345", now: now)
        claims["aud"] = ["other-client", .string(TestIssuer.audience)]
        #expect(try verify(try issuer.token(claims), issuer).personalID == "001085012345")
        claims["aud"] = ["other-client"]
        expectRefused(.wrongAudience, try issuer.token(claims), issuer)
        claims["aud"] = "other-client"
        expectRefused(.wrongAudience, try issuer.token(claims), issuer)
        claims["aud"] = nil
        expectRefused(.wrongAudience, try issuer.token(claims), issuer)
        claims = TestIssuer.claims("001085012345", now: now)
        claims["iss"] = "https://sso.example.vn/"
        expectRefused(.wrongIssuer, try issuer.token(claims), issuer)
    }

    @Test func algorithmNoneAndAlgorithmsNotConfiguredAreRefused() throws {
        let issuer = try TestIssuer()
        let claims = Base64URL.encode(JSONValue.object(TestIssuer.claims("001085012345", now: now)).serializedBytes())
        for alg in ["none", "HS256", "PS256", "EdDSA"] {
            let header = Base64URL.encode(JSONValue.object(["alg": .string(alg), "kid": "key-1"]).serializedBytes())
            #expect(throws: IDTokenError(.unsupportedAlgorithm, ""), "\(alg)") {
                try verifier.parse("\(header).\(claims).AAAA")
            }
            #expect(throws: IDTokenError(.unsupportedAlgorithm, ""), "\(alg)") {
                try verifier.parse("\(header).\(claims).")
            }
        }
        // An RS256 header over an EC key: the key does not fit the algorithm.
        let header = Base64URL.encode(JSONValue.object(["alg": "RS256", "kid": "key-1"]).serializedBytes())
        expectRefused(
            .unsupportedAlgorithm, "\(header).\(claims).\(Base64URL.encode([UInt8](repeating: 1, count: 256)))", issuer)
    }

    @Test func unknownKeyBadSignatureAndMissingClaimAreRefused() throws {
        let issuer = try TestIssuer()
        let claims = TestIssuer.claims("001085012345", now: now)
        expectRefused(.unknownKey, try issuer.token(claims, header: ["kid": "key-2"]), issuer)
        // A token of another key under the issuer's kid.
        let impostor = try TestIssuer(kid: issuer.kid)
        expectRefused(.badSignature, try impostor.token(claims), issuer)
        // Claims changed after signing.
        let parts = try issuer.token(claims).split(separator: ".")
        var changed = claims
        changed["vn_personal_id"] = "079085000001"
        let forged = "\(parts[0]).\(Base64URL.encode(JSONValue.object(changed).serializedBytes())).\(parts[2])"
        expectRefused(.badSignature, forged, issuer)
        var anonymous = claims
        anonymous["vn_personal_id"] = nil
        expectRefused(.missingClaim, try issuer.token(anonymous), issuer)
        for text in ["", "a.b", "a.b.c.d", "!!.e30.AAAA"] {
            #expect(throws: IDTokenError(.malformed, "")) { try verifier.parse(text) }
        }
    }

    @Test func keySetWithPrivateMaterialOrNothingUsableIsRefused() throws {
        let issuer = try TestIssuer()
        var leaked = try #require(issuer.jwk.objectValue)
        leaked["d"] = "AAAA"
        for set: JSONValue in [
            ["keys": [.object(leaked)]], ["keys": [["kty": "oct", "kid": "x", "k": "AAAA"]]], ["keys": []], [:],
        ] {
            #expect(throws: IDTokenError(.malformedKeySet, "")) { try JSONWebKeySet(bytes: set.serializedBytes()) }
        }
        #expect(IDTokenError(.malformedKeySet, "").problem.status == 503)
        // Keys of other types or uses are left out, not fatal.
        let mixed: JSONValue = ["keys": [["kty": "OKP", "crv": "Ed25519", "kid": "ed", "x": "AAAA"], issuer.jwk]]
        #expect(try JSONWebKeySet(bytes: mixed.serializedBytes()).keys.keys.map(\.string).sorted() == [issuer.kid])
    }
}
