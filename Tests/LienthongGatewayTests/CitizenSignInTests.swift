import Foundation
import LienthongHTTP
import LienthongJSON
import LienthongTrust
import Testing

/// Citizens sign in to the transparency API with an OpenID Connect ID token of the configured issuer, on a node
/// without a development PKI (#17, point 9). The issuer is a local one serving its JWKS over HTTPS on loopback.
@Suite(.serialized)
struct CitizenSignInTests {
    /// A node that ran once as a development node (its PKI, tokens and registries are in its data directory), then
    /// restarted with `developmentPKI: false`, the issued signing keys and `citizenIdentity` pointing at `issuer`.
    func productionNode(
        _ first: GatewayProcess, issuer: TestIDTokenIssuer, edit: (inout JSONObject) -> Void = { _ in }
    ) throws -> GatewayProcess {
        #expect(first.stop() == 0)
        let pki = first.dataDirectory.appendingPathComponent("pki")
        var signing: JSONObject = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: pki.path)
        where file.hasPrefix("signing-") && file.hasSuffix(".crt.pem") {
            let name = file.dropFirst("signing-".count).dropLast(".crt.pem".count)
            signing[name.replacingOccurrences(of: "_", with: "/")] = [
                "certificate": .string("pki/\(file)"), "privateKey": .string("pki/signing-\(name).key.pem"),
            ]
        }
        try GatewayProcess.editJSON(first.configDirectory.appendingPathComponent("node.json")) { node in
            node["developmentPKI"] = false
            node["signing"] = .object(signing)
            var identity: JSONObject = [
                "issuer": .string(TestIDTokenIssuer.issuer), "audience": .string(TestIDTokenIssuer.audience),
                "jwksURL": .string(issuer.jwksURL), "jwksCAFile": "pki/root-ca.crt.pem", "leewaySeconds": 5,
            ]
            edit(&identity)
            node["citizenIdentity"] = .object(identity)
        }
        return try GatewayProcess(configDirectory: first.configDirectory, dataDirectory: first.dataDirectory)
    }

    func startIssuer(for gateway: GatewayProcess) async throws -> TestIDTokenIssuer {
        let pki = gateway.dataDirectory.appendingPathComponent("pki")
        return try await TestIDTokenIssuer(
            certificate: pki.appendingPathComponent("server.crt.pem").path,
            privateKey: pki.appendingPathComponent("server.key.pem").path)
    }

    func accesses(_ gateway: GatewayProcess, of personalID: String, authorization: String?) async throws
        -> HTTPClientResponse
    {
        try await gateway.get(
            "/v1/transparency/persons/\(personalID)/accesses",
            headers: authorization.map { ["Authorization": $0] } ?? [:], client: gateway.client())
    }

    @Test func citizenSeesOwnAccessesAndRefusalsAndNobodyElses() async throws {
        let rows = try Seeds.rows("population.csv")
        let x = try #require(rows.first?["so_dinh_danh"])
        let y = try #require(rows.dropFirst().first?["so_dinh_danh"])
        let first = try GatewayProcess()
        let client = first.client()
        let read = try await first.get(
            "/v1/records/population/\(x)?fields=personalId,fullName",
            headers: [
                "Authorization": "Bearer \(try first.token("motcua.token"))",
                "Lienthong-Purpose": "residence-verification",
            ],
            client: client)
        #expect(read.status == 200)
        // VCCI has no grant: its attempt is refused and audited with the subject.
        let refused = try await first.get(
            "/v1/records/population/\(x)",
            headers: [
                "Authorization": "Bearer \(try first.token("vcci.token"))",
                "Lienthong-Purpose": "residence-verification",
            ],
            client: client)
        #expect(refused.status == 403)

        let issuer = try await startIssuer(for: first)
        defer { issuer.stop() }
        let node = try productionNode(first, issuer: issuer)
        defer { node.stop() }

        let own = try await accesses(
            node, of: x, authorization: "Bearer \(try issuer.token(TestIDTokenIssuer.claims(x)))")
        #expect(own.status == 200)
        let entries = try #require(own.json["accesses"]?.arrayValue)
        #expect(entries.count == 2)
        // Newest first: the refusal, then the release.
        #expect(entries.map { $0["outcome"] } == ["refused", "allowed"])
        #expect(entries.map { $0["consumer"] } == ["VN/ORG/VCCI/HOIVIEN", "VN/GOV/HCM/MOTCUA"])
        #expect(entries.first?["reason"]?.stringValue?.isEmpty == false)
        #expect(entries.last?["fields"] == ["fullName", "personalId"])

        // X's token on Y's list: refused before anything is read.
        let other = try await accesses(
            node, of: y, authorization: "Bearer \(try issuer.token(TestIDTokenIssuer.claims(x)))")
        #expect(other.status == 403)
        #expect(other.problemCode == "access-denied")
        // Y's own token reads Y's (empty) list.
        let empty = try await accesses(
            node, of: y, authorization: "Bearer \(try issuer.token(TestIDTokenIssuer.claims(y)))")
        #expect(empty.status == 200)
        #expect(empty.json["accesses"] == [])

        // A development citizen token is not accepted on a production node.
        let tokens = first.dataDirectory.appendingPathComponent("secrets/citizen-tokens/\(x).token")
        let development = try String(contentsOf: tokens, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let dev = try await accesses(node, of: x, authorization: "Citizen \(development)")
        #expect(dev.status == 401)
        #expect(dev.problemCode == "unauthenticated")
        let anonymous = try await accesses(node, of: x, authorization: nil)
        #expect(anonymous.status == 401)
        #expect(anonymous.headers["WWW-Authenticate"] == "Bearer")
    }

    @Test func refusedTokensAre401WithTheirCodesAndAChallenge() async throws {
        let x = try #require(try Seeds.rows("population.csv").first?["so_dinh_danh"])
        let first = try GatewayProcess()
        let issuer = try await startIssuer(for: first)
        defer { issuer.stop() }
        let node = try productionNode(first, issuer: issuer)
        defer { node.stop() }

        let valid = TestIDTokenIssuer.claims(x)
        var expired = valid
        expired["exp"] = .number(JSONNumber(Int(Date().timeIntervalSince1970) - 60))
        var wrongAudience = valid
        wrongAudience["aud"] = ["another-service"]
        var wrongIssuer = valid
        wrongIssuer["iss"] = "https://sso.elsewhere.example"
        let unsigned =
            Base64URL.encode(JSONValue.object(["alg": "none", "kid": .string(issuer.kid)]).serializedBytes()) + "."
            + Base64URL.encode(JSONValue.object(valid).serializedBytes()) + "."
        let cases: [(String, String)] = [
            (try issuer.token(expired), "id-token.expired"),
            (try issuer.token(wrongAudience), "id-token.wrong-audience"),
            (try issuer.token(wrongIssuer), "id-token.wrong-issuer"),
            (unsigned, "id-token.unsupported-algorithm"),
            (try issuer.token(valid, header: ["kid": "rotated-away"]), "id-token.unknown-key"),
            ("not-a-token", "id-token.malformed"),
        ]
        for (token, code) in cases {
            let response = try await accesses(node, of: x, authorization: "Bearer \(token)")
            #expect(response.status == 401, "\(code)")
            #expect(response.problemCode == code)
            #expect(response.headers["Content-Type"] == "application/problem+json")
            #expect(response.headers["WWW-Authenticate"] == #"Bearer error="invalid_token""#, "\(code)")
            let body = String(decoding: response.body, as: UTF8.self)
            #expect(!body.contains(x) && !body.contains(token.prefix(20)) && !body.contains("rotated-away"), "\(code)")
        }
        // One fetch for all of them: an unknown kid within the refresh interval (60 s by default) does not make
        // the node fetch again, so made-up kids cannot make it hammer the issuer.
        let again = try await accesses(
            node, of: x, authorization: "Bearer \(try issuer.token(valid, header: ["kid": "another-unknown"]))")
        #expect(again.problemCode == "id-token.unknown-key")
        #expect(issuer.fetchCount == 1)
        // And the valid token still works.
        #expect(try await accesses(node, of: x, authorization: "Bearer \(try issuer.token(valid))").status == 200)
    }
}
