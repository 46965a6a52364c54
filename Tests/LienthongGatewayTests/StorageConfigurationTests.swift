import Foundation
import LienthongGateway
import LienthongJSON
import LienthongNodeStore
import Testing

/// node.json `storage`: SQLite in the data directory by default, PostgreSQL with placeholders from the environment.
struct StorageConfigurationTests {
    @Test func withoutStorageTheNodeKeepsItsStateInSQLiteInTheDataDirectory() throws {
        let directory = try GatewayProcess.demoConfiguration()
        let data = FileManager.default.temporaryDirectory
            .appendingPathComponent("lienthong-storage-\(UUID().uuidString)")
        let configuration = try GatewayConfiguration.resolve(configDirectory: directory, dataDirectory: data).get()
        let store = try #require(try configuration.nodeStateStore() as? SQLiteNodeStore)
        #expect(store.auditPath == data.appendingPathComponent("audit.sqlite").path)
    }

    @Test func postgresURLAndNodeFillTheirPlaceholdersFromTheEnvironment() throws {
        // The check reads the process environment; the node is built from the one given.
        setenv("LIENTHONG_TEST_STORAGE_PASSWORD", "s3cret", 1)
        setenv("LIENTHONG_TEST_STORAGE_NODE", "web1", 1)
        let directory = try GatewayProcess.demoConfiguration {
            try ConfigurationCheckTests.editNode($0) {
                $0["storage"] = [
                    "kind": "postgres",
                    "url": "postgresql://lienthong:{LIENTHONG_TEST_STORAGE_PASSWORD}@127.0.0.1:5432/lienthong",
                    "node": "{LIENTHONG_TEST_STORAGE_NODE}-a",
                ]
            }
        }
        let data = FileManager.default.temporaryDirectory
            .appendingPathComponent("lienthong-storage-\(UUID().uuidString)")
        let configuration = try GatewayConfiguration.resolve(configDirectory: directory, dataDirectory: data).get()
        let store = try configuration.nodeStateStore(
            environment: ["LIENTHONG_TEST_STORAGE_PASSWORD": "pw", "LIENTHONG_TEST_STORAGE_NODE": "web2"])
        #expect((store as? PostgresNodeStore)?.nodeID == "web2-a")
        #expect(throws: ConfigurationError.self) { try configuration.nodeStateStore(environment: [:]) }
    }

    @Test func postgresPlaceholderMissingFromTheEnvironmentIsNamedNotShown() async throws {
        let problems = try await ConfigurationCheckTests.problems {
            try ConfigurationCheckTests.editNode($0) {
                $0["storage"] = [
                    "kind": "postgres",
                    "url": "postgresql://lienthong:hunter2@db/x?password={LIENTHONG_UNSET_PASSWORD}",
                ]
            }
        }
        let expected = "node.json#/storage/url: placeholder {LIENTHONG_UNSET_PASSWORD} has no value in the environment"
        #expect(problems == [expected])
        #expect(!problems.joined().contains("hunter2"))
    }

    @Test func postgresWithoutURLAndSQLiteWithURLBreakTheSchema() async throws {
        let withoutURL = try await ConfigurationCheckTests.problems {
            try ConfigurationCheckTests.editNode($0) { $0["storage"] = ["kind": "postgres"] }
        }
        #expect(withoutURL.count == 1 && withoutURL[0].hasPrefix("node.json#/storage"))
        let sqliteURL = try await ConfigurationCheckTests.problems {
            try ConfigurationCheckTests.editNode($0) {
                $0["storage"] = ["kind": "sqlite", "url": "postgresql://db/x"]
            }
        }
        #expect(sqliteURL.count == 1 && sqliteURL[0].hasPrefix("node.json#/storage"))
        let unknownKind = try await ConfigurationCheckTests.problems {
            try ConfigurationCheckTests.editNode($0) { $0["storage"] = ["kind": "mysql"] }
        }
        #expect(unknownKind.count == 1 && unknownKind[0].hasPrefix("node.json#/storage/kind"))
    }
}
