import Foundation
import LienthongGateway
import LienthongJSON
import Testing

/// `config check` of node.json `bus`: the JetStream engine needs its servers; the embedded one takes no settings.
extension ConfigurationCheckTests {
    @Test func jetStreamBusNeedsServers() async throws {
        let missing = try await Self.problems { try Self.editNode($0) { $0["bus"] = ["engine": "jetstream"] } }
        #expect(missing.contains { $0.hasPrefix("node.json#/bus") && $0.contains("servers") }, "\(missing)")
        let fine = try await Self.problems {
            try Self.editNode($0) {
                $0["bus"] = ["engine": "jetstream", "servers": ["nats://127.0.0.1:4222"], "replicas": 3]
            }
        }
        #expect(fine == [])
    }

    @Test func busSettingsAreCheckedByTheSchema() async throws {
        let sqliteWithServers = try await Self.problems {
            try Self.editNode($0) { $0["bus"] = ["engine": "sqlite", "servers": ["nats://127.0.0.1:4222"]] }
        }
        #expect(sqliteWithServers.contains { $0.hasPrefix("node.json#/bus") }, "\(sqliteWithServers)")
        let badServer = try await Self.problems {
            try Self.editNode($0) { $0["bus"] = ["engine": "jetstream", "servers": ["http://127.0.0.1:4222"]] }
        }
        #expect(badServer.contains { $0.hasPrefix("node.json#/bus/servers/0") }, "\(badServer)")
        let replicas = try await Self.problems {
            try Self.editNode($0) {
                $0["bus"] = ["engine": "jetstream", "servers": ["nats://127.0.0.1:4222"], "replicas": 7]
            }
        }
        #expect(replicas.contains { $0.hasPrefix("node.json#/bus/replicas") }, "\(replicas)")
    }
}
