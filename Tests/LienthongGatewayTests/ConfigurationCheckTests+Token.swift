import Foundation
import LienthongJSON
import Testing

/// node.json `pkcs11`: the module must exist and the PIN have exactly one source, never the PIN itself.
extension ConfigurationCheckTests {
    @Test func aTokenWithAMissingModuleAndNoPINSourceIsTwoErrors() async throws {
        let problems = try await Self.problems {
            try Self.editNode($0) { $0["pkcs11"] = ["module": "/nonexistent/libtoken.so", "tokenLabel": "node"] }
        }
        #expect(
            problems == [
                "node.json#/pkcs11/module: PKCS#11 module /nonexistent/libtoken.so does not exist (Debian: softhsm2)",
                "node.json#/pkcs11: name the PIN's source: pinFile or pinEnvironment (never the PIN itself)",
            ])
    }

    @Test func aTokenPINInTheConfigurationItselfIsRefused() async throws {
        let problems = try await Self.problems {
            try Self.editNode($0) { $0["pkcs11"] = ["tokenLabel": "node", "pinEnvironment": "PIN", "pin": "1234"] }
        }
        #expect(problems.count == 1 && problems[0].hasPrefix("node.json#/pkcs11"), "\(problems)")
        #expect(!problems.joined().contains("1234"))
    }

    @Test func aTokenPINFileThatIsNotThereIsAnError() async throws {
        let problems = try await Self.problems {
            try Self.editNode($0) { $0["pkcs11"] = ["tokenLabel": "node", "pinFile": "secrets/token.pin"] }
        }
        #expect(
            problems.contains { $0.hasPrefix("node.json#/pkcs11/pinFile: ") && $0.contains("token.pin does not exist") }
        )
    }
}
