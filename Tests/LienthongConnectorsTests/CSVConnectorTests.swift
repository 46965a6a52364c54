import Foundation
import LienthongConnectors
import LienthongJSON
import Testing

struct CSVConnectorTests {
    private func file(_ text: String) throws -> String {
        let path = try TestSupport.temporaryDirectory() + "/registry.csv"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        return path
    }

    private func touch(_ path: String, secondsAgo: TimeInterval) throws {
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -secondsAgo)], ofItemAtPath: path)
    }

    @Test func lookupHitMissAndQuotedFields() async throws {
        let path = try file("ma,ten,ghi\n001,\"Nguyễn, Văn A\",\n002,\"Nói \"\"chào\"\"\",x\n")
        let connector = CSVConnector(registry: "demo", configuration: .init(path: path, keyColumn: "ma"))
        #expect(try await connector.lookup(key: "001") == ["ma": "001", "ten": "Nguyễn, Văn A", "ghi": nil])
        #expect(try await connector.lookup(key: "002")?["ten"] == "Nói \"chào\"")
        #expect(try await connector.lookup(key: "003") == nil)
        #expect(await connector.health() == .up)
    }

    @Test func reloadsWhenTheFileChanges() async throws {
        let path = try file("ma,ten\n001,A\n")
        try touch(path, secondsAgo: 60)
        let connector = CSVConnector(registry: "demo", configuration: .init(path: path, keyColumn: "ma"))
        #expect(try await connector.lookup(key: "002") == nil)
        try "ma,ten\n001,A\n002,B\n".write(toFile: path, atomically: false, encoding: .utf8)
        try touch(path, secondsAgo: 0)
        #expect(try await connector.lookup(key: "002")?["ten"] == "B")
    }

    @Test func reloadsAFileRenamedIntoPlaceWithTheSameSizeAndTime() async throws {
        let path = try file("ma,ten\n001,A\n")
        let stamp = Date(timeIntervalSinceNow: -60)
        try FileManager.default.setAttributes([.modificationDate: stamp], ofItemAtPath: path)
        let connector = CSVConnector(registry: "demo", configuration: .init(path: path, keyColumn: "ma"))
        #expect(try await connector.lookup(key: "001")?["ten"] == "A")
        // The agency writes the corrected file beside the old one and renames it into place.
        let replacement = path + ".new"
        try "ma,ten\n001,B\n".write(toFile: replacement, atomically: false, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: stamp], ofItemAtPath: replacement)
        #expect(rename(replacement, path) == 0)
        #expect(try await connector.lookup(key: "001")?["ten"] == "B")
    }

    @Test func brokenFilesAreContractViolations() async throws {
        let duplicate = CSVConnector(registry: "demo", configuration: .init(path: try file("ma\n1\n1\n"), keyColumn: "ma"))
        await #expect(throws: ConnectorError(code: .upstreamContractViolation, registry: "", detail: "")) {
            try await duplicate.lookup(key: "1")
        }
        let ragged = CSVConnector(registry: "demo", configuration: .init(path: try file("ma,b\n1\n"), keyColumn: "ma"))
        await #expect(throws: ConnectorError(code: .upstreamContractViolation, registry: "", detail: "")) {
            try await ragged.lookup(key: "1")
        }
        let noKey = CSVConnector(registry: "demo", configuration: .init(path: try file("x\n1\n"), keyColumn: "ma"))
        await #expect(throws: ConnectorError(code: .upstreamContractViolation, registry: "", detail: "")) {
            try await noKey.lookup(key: "1")
        }
        let missing = CSVConnector(registry: "demo", configuration: .init(path: "/nonexistent/x.csv", keyColumn: "ma"))
        await #expect(throws: ConnectorError(code: .unavailable, registry: "", detail: "")) { try await missing.lookup(key: "1") }
        #expect(await missing.health().status == .down)
    }

    @Test func searchAndClose() async throws {
        let connector = CSVConnector(
            registry: "demo", configuration: .init(path: try file("ma,tinh\n1,01\n2,79\n3,01\n4,01\n"), keyColumn: "ma"))
        #expect(try await connector.search(field: "tinh", value: "01", limit: 2).map { $0["ma"] } == ["1", "3"])
        await #expect(throws: ConnectorError(code: .unsupported, registry: "", detail: "")) {
            try await connector.search(field: "nope", value: "01", limit: 2)
        }
        await connector.close()
        await #expect(throws: ConnectorError(code: .closed, registry: "", detail: "")) { try await connector.lookup(key: "1") }
    }

    @Test func insuranceSearchByPersonalIDThroughTheDemoConfig() async throws {
        let data = try TestSupport.temporaryDirectory()
        try DemoRegistries.build(seedsDirectory: TestSupport.path("seeds"), dataDirectory: data)
        let registry = try MappedRegistry(
            configuration: try RecordMappingTests.configuration("insurance"), dataDirectory: data,
            httpClient: TestSupport.httpClient
        )
        let row = try #require(CSVTable(text: try TestSupport.readText("seeds/insurance.csv"))?.records.first)
        let found = try await registry.search(field: "so_cccd", value: row["so_cccd"]!, limit: 5)
        #expect(found.count == 1 && found.first?["socialInsuranceNumber"]?.stringValue == row["ma_so_bhxh"])
        let unsupported = try await #require(throws: ConnectorError.self) {
            try await registry.search(field: "ho_ten", value: "x", limit: 5)
        }
        #expect(unsupported.code == .unsupported && unsupported.registry == "insurance")
        let population = MappedRegistry(
            name: "population", schema: "person.v1", connector: StaticConnector(records: [:]),
            mapping: RecordMapping(registry: "population", fields: []))
        let defaultSearch = try await #require(throws: ConnectorError.self) {
            try await population.search(field: "x", value: "y", limit: 1)
        }
        #expect(defaultSearch.code == .unsupported && defaultSearch.registry == "population")
        await registry.connector.close()
    }

    @Test func registryConfigurationAcceptsTheCSVKind() throws {
        let configuration = try RegistryConfiguration(
            document: [
                "registry": "demo", "schema": "demo.v1",
                "connector": ["kind": "csv", "path": "demo.csv", "keyColumn": "ma"],
                "mapping": [["target": "/code", "source": "ma"]],
            ],
            baseDirectory: "/")
        #expect(configuration.connector == .csv(.init(path: "demo.csv", keyColumn: "ma")))
        let unknown = try #require(throws: ConnectorError.self) {
            try RegistryConfiguration(document: ["registry": "demo", "schema": "s", "connector": ["kind": "ftp"], "mapping": []], baseDirectory: "/")
        }
        #expect(unknown.code == .configuration)
        let land = try RecordMappingTests.configuration("land")
        guard case .rest(let rest) = land.connector else { Issue.record("land is not a REST connector"); return }
        #expect(rest.url(for: "00004-12-345", variables: ["port": "8081"]) == "http://127.0.0.1:8081/api/v1/thua-dat/00004/12/345")
        #expect(rest.url(for: "00004-12", variables: ["port": "8081"]) == nil)
        let made = try land.makeConnector(dataDirectory: "/tmp", httpClient: TestSupport.httpClient)
        #expect((made as? ResilientConnector<ContinuousClock>)?.base is RESTConnector)
    }
}
