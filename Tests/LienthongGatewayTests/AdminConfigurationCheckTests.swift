import Foundation
import LienthongGateway
import LienthongJSON
import Testing

/// node.json `admin` through `config check`'s code: each broken setting named by file and JSON Pointer.
struct AdminConfigurationCheckTests {
    static func problems(_ admin: JSONValue) async throws -> [String] {
        try await ConfigurationCheckTests.problems { try ConfigurationCheckTests.editNode($0) { $0["admin"] = admin } }
    }

    @Test func anOperatorListedTwiceOrWithoutACredentialIsAnError() async throws {
        let problems = try await Self.problems([
            "operators": [
                ["name": "an", "role": "viewer", "tokenFiles": ["secrets/an.token"]],
                ["name": "an", "role": "operator", "certificateSubjects": ["An"]],
                ["name": "binh", "role": "security-officer"],
            ]
        ])
        #expect(
            problems == [
                "node.json#/admin/operators/1/name: operator an is listed twice",
                "node.json#/admin/operators/2: has no credential (tokenSHA256, tokenFiles or certificateSubjects)",
            ])
    }

    @Test func anUnknownRoleAndABadAddressAreErrors() async throws {
        let problems = try await Self.problems([
            "listen": "127.0.0.1:70000", "operators": [["name": "an", "role": "admin", "tokenFiles": ["x.token"]]],
        ])
        #expect(problems.contains("node.json#/admin/listen: port 70000 is not in 0-65535"))
        #expect(problems.contains { $0.hasPrefix("node.json#/admin/operators/0/role: must be one of") })
    }

    @Test func theAdminListenerCannotShareTheAPIAddress() async throws {
        let problems = try await Self.problems(["listen": "127.0.0.1:8443"])
        #expect(problems == ["node.json#/admin/listen: is the sharing API's address too (listen)"])
    }
}
