import Foundation
import LienthongAccess
import LienthongCore
import LienthongGateway
import LienthongJSON
import Testing

/// Every consumer × service × purpose × field of the demo configuration against an oracle read straight
/// from `grants.json`: the policy allows exactly what the grants allow.
struct AuthorizationMatrixTests {
    /// Canonical top-level fields per schema, from the schemas themselves.
    func fields(of schema: String) throws -> [String] {
        let url = GatewayProcess.root.appendingPathComponent("schemas/\(schema).json")
        let document = try JSONValue.parse(Array(try Data(contentsOf: url)))
        return document["properties"]?.objectValue?.keys.sorted() ?? []
    }

    @Test func policyAllowsExactlyWhatTheGrantsAllow() throws {
        let configuration = try GatewayConfiguration.load(
            configDirectory: GatewayProcess.root.appendingPathComponent("config/demo")
        )
        let policy = AccessPolicy(configuration.policy)
        let grants = try JSONValue.parse(
            Array(try Data(contentsOf: GatewayProcess.root.appendingPathComponent("config/demo/grants.json")))
        ).arrayValue ?? []
        func oracle(_ consumer: String, _ service: String, _ purpose: String, _ field: String, _ date: String) -> Bool {
            grants.contains { grant in
                // Lookup grants only: a grant of kind `events` names a service too, for its events.
                guard grant["kind"] == nil, grant["consumer"]?.stringValue == consumer, grant["service"]?.stringValue == service,
                    grant["purposes"]?.arrayValue?.contains(.string(purpose)) == true
                else { return false }
                if let from = grant["conditions"]?["validFrom"]?.stringValue, date < from { return false }
                if let until = grant["conditions"]?["validUntil"]?.stringValue, date > until { return false }
                let granted = grant["fields"]?.arrayValue ?? []
                return granted.contains("*") || granted.contains(.string(field))
            }
        }
        var cases = 0
        var allowed = 0
        for date in ["2026-11-26", "2025-06-01"] {
            for consumer in configuration.policy.consumers {
                for registry in configuration.registries {
                    for purpose in configuration.policy.purposes {
                        for field in try fields(of: registry.schema) {
                            let decision = policy.evaluate(
                                AccessRequest(
                                    consumer: consumer.id, service: registry.service, purpose: purpose.code,
                                    requestedFields: [field], key: "079085000001", keyKind: registry.keyKind, date: date
                                )
                            )
                            let expected = oracle(
                                consumer.id.description, registry.service.description, purpose.code, field, date
                            )
                            if case .allow = decision { allowed += 1 }
                            #expect(
                                (decision == .allow(.only([field]))) == expected,
                                "\(consumer.id) \(registry.service) \(purpose.code) \(field) \(date)"
                            )
                            cases += 1
                        }
                    }
                }
            }
        }
        // 3 consumers × 4 services × 5 purposes × fields × 2 dates; some but not all allowed.
        #expect(cases > 500)
        #expect(allowed > 0 && allowed < cases)
        print("authorization matrix: \(cases) cases, \(allowed) allowed")
    }
}

/// The audit log may be turned off only on a development node (to measure its cost).
struct AuditSettingTests {
    @Test func auditOffIsRefusedOutsideDevelopment() throws {
        let directory = try GatewayProcess.demoConfiguration { directory in
            let node = directory.appendingPathComponent("node.json")
            var object = try JSONValue.parse(Array(try Data(contentsOf: node))).objectValue ?? [:]
            object["audit"] = ["enabled": false]
            object["developmentPKI"] = false
            try Data(JSONValue.object(object).serializedBytes()).write(to: node)
        }
        #expect(
            performing: { try GatewayConfiguration.load(configDirectory: directory) },
            throws: { ($0 as? InvalidConfiguration)?.problems.contains { $0.pointer == "/audit/enabled" } == true }
        )
    }
}
