import Foundation
import LienthongHTTP
import LienthongJSON
import LienthongTrust
import Synchronization

/// A local OpenID Connect issuer: a P-256 key, its JWKS served over HTTPS on loopback, and the ID tokens it signs.
final class TestIDTokenIssuer: Sendable {
    static let issuer = "https://sso.test.vneid.local"
    static let audience = "lienthong-test-node"
    let key: SigningKey
    let kid: String
    private let server: HTTPServer
    private let fetches: FetchCounter
    /// The JWKS URL.
    let jwksURL: String

    /// Starts serving the JWKS at `https://127.0.0.1:<port>/jwks` with the TLS certificate and key given.
    init(certificate: String, privateKey: String) async throws {
        let key = try SigningKey.generate(.p256)
        let kid = "test-\(UUID().uuidString.prefix(8))"
        // A P-256 SubjectPublicKeyInfo ends with the uncompressed point 04 || x || y.
        let point = Array(key.publicKey.derBytes.suffix(64))
        let jwks: JSONValue = [
            "keys": [
                [
                    "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": .string(kid),
                    "x": .string(Base64URL.encode(Array(point.prefix(32)))),
                    "y": .string(Base64URL.encode(Array(point.suffix(32)))),
                ]
            ]
        ]
        let fetches = FetchCounter()
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(
                tls: TLSServerConfiguration(certificateChainPath: certificate, privateKeyPath: privateKey),
                eventLoops: 1),
            handler: JWKSHandler(jwks: jwks.serializedBytes(), fetches: fetches))
        let port = try await server.start()
        Task { try await server.run() }
        self.key = key
        self.kid = kid
        self.server = server
        self.fetches = fetches
        self.jwksURL = "https://127.0.0.1:\(port)/jwks"
    }

    /// How often the JWKS was fetched.
    var fetchCount: Int { fetches.count.withLock { $0 } }

    func stop() { server.shutdown() }

    /// Claims for `personalID`, valid from `now` for five minutes.
    static func claims(_ personalID: String, now: Date = Date()) -> JSONObject {
        let seconds = Int(now.timeIntervalSince1970)
        return [
            "iss": .string(issuer), "aud": .string(audience), "sub": "vneid-test",
            "vn_personal_id": .string(personalID), "iat": .number(JSONNumber(seconds)),
            "exp": .number(JSONNumber(seconds + 300)),
        ]
    }

    /// A signed ID token with `claims`, header members in `header` over the defaults.
    func token(_ claims: JSONObject, header: JSONObject = [:]) throws -> String {
        var fields: JSONObject = ["alg": "ES256", "kid": .string(kid), "typ": "JWT"]
        fields.merge(header) { _, new in new }
        let input =
            Base64URL.encode(JSONValue.object(fields).serializedBytes()) + "."
            + Base64URL.encode(JSONValue.object(claims).serializedBytes())
        return input + "." + Base64URL.encode(try key.sign(Array(input.utf8), algorithm: .es256))
    }
}

/// Serves the JWKS at `/jwks` and counts the fetches.
private struct JWKSHandler: HTTPHandler {
    let jwks: [UInt8]
    let fetches: FetchCounter

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        guard request.path == "/jwks" else { return HTTPResponse(status: 404) }
        fetches.count.withLock { $0 += 1 }
        return HTTPResponse(status: 200, headers: ["Content-Type": "application/jwk-set+json"], body: jwks)
    }
}

/// The number of JWKS fetches, shared by the handler and the test.
private final class FetchCounter: Sendable {
    let count = Mutex(0)
}
