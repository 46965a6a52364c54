import Foundation
import LienthongJSON
import LienthongTrust
import Testing

@testable import LienthongGateway

/// `node.json` `citizenIdentity`: defaults applied once, settings out of shape named by pointer.
struct CitizenIdentityConfigurationTests {
    func settings(_ members: JSONObject) throws -> CitizenIdentityConfiguration {
        var object: JSONObject = ["issuer": "https://sso.example.vn", "audience": "node"]
        object.merge(members) { _, new in new }
        return try JSONDecoder().decode(
            CitizenIdentityConfiguration.self, from: Data(JSONValue.object(object).serializedBytes()))
    }

    @Test func defaultsAreES256AndRS256TheVNeIDClaimAndAMinuteOfLeeway() throws {
        let resolved = try settings(["jwksURL": "https://sso.example.vn/jwks"]).verifierConfiguration()
        #expect(resolved.algorithms == [.es256, .rs256])
        #expect(resolved.personalIDClaim == "vn_personal_id")
        #expect(resolved.leeway == 60)
        #expect(resolved.issuer == "https://sso.example.vn")
    }

    @Test(
        arguments: [
            (["jwksURL": "http://sso.example.vn/jwks"], "/citizenIdentity/jwksURL"),
            (["jwksURL": "https://sso.example.vn/jwks", "jwksFile": "jwks.json"], "/citizenIdentity/jwksURL"),
            ([:], "/citizenIdentity/jwksURL"),
            (["jwksFile": "jwks.json", "algorithms": ["ES256", "none"]], "/citizenIdentity/algorithms/1"),
            (["jwksFile": "jwks.json", "algorithms": ["EdDSA"]], "/citizenIdentity/algorithms/0"),
            (["jwksFile": "jwks.json", "algorithms": []], "/citizenIdentity/algorithms"),
            (["jwksFile": "jwks.json", "leewaySeconds": 3600], "/citizenIdentity/leewaySeconds"),
        ] as [(JSONObject, String)])
    func settingsOutOfShapeAreNamedByPointer(members: JSONObject, pointer: String) throws {
        let configuration = try settings(members)
        #expect(
            performing: { try configuration.verifierConfiguration() },
            throws: { ($0 as? ConfigurationError)?.pointer == pointer })
    }
}
