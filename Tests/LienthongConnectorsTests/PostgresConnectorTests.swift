import Foundation
import LienthongConnectors
import LienthongJSON
import LienthongTesting
import Testing

extension PostgresCluster {
    /// Runs `body` with a new cluster holding the enterprise seed (table `doanh_nghiep`); the cluster is destroyed
    /// whatever happens.
    static func withEnterprise(_ body: (PostgresCluster) async throws -> Void) async throws {
        try await with { cluster in
            #expect(try await PostgresEnterpriseLoader.load(seedsDirectory: TestSupport.path("seeds"), conninfo: cluster.url) == 200)
            try await body(cluster)
        }
    }
}

extension SerializedSuites {
    /// Tests against a real PostgreSQL cluster: one at a time, each with its own cluster, stopped at the end.
    @Suite struct PostgresConnectorTests {
        /// The enterprise registry of `config/postgres`, its URL filled in, its resilience replaced when given.
        static func enterprise(url: String, resilience: JSONValue? = nil) throws -> MappedRegistry {
            let path = TestSupport.path("config/postgres/registries/enterprise.json")
            var document = try #require(try TestSupport.readJSON(path).objectValue)
            if let resilience {
                var connector = try #require(document["connector"]?.objectValue)
                connector["resilience"] = resilience
                document["connector"] = .object(connector)
            }
            let configuration = try RegistryConfiguration(
                document: .object(document), baseDirectory: (path as NSString).deletingLastPathComponent)
            return try MappedRegistry(
                configuration: configuration, dataDirectory: "/", httpClient: TestSupport.httpClient,
                variables: ["LIENTHONG_POSTGRES_URL": url])
        }

        @Test func enterpriseLookupsMatchSQLite() async throws {
            try await PostgresCluster.withEnterprise { cluster in
                let data = try TestSupport.temporaryDirectory()
                try DemoRegistries.build(seedsDirectory: TestSupport.path("seeds"), dataDirectory: data)
                let sqlite = try MappedRegistry(
                    configuration: try RecordMappingTests.configuration("enterprise"), dataDirectory: data,
                    httpClient: TestSupport.httpClient)
                let postgres = try Self.enterprise(url: cluster.url)
                let csv = try #require(CSVTable(text: try TestSupport.readText("seeds/enterprise.csv")))
                for row in csv.records {
                    let key = row["ma_so_doanh_nghiep"]!
                    let fromPostgres = try #require(try await postgres.record(key: key))
                    #expect(fromPostgres == (try await sqlite.record(key: key)), "\(key)")
                }
                let miss = try await postgres.connector.lookup(key: "0000000000")
                #expect(miss == Optional<NativeRecord>.none)
                #expect(try await postgres.record(key: "0000000000") == nil)
                #expect(try await postgres.record(key: "' OR '1'='1") == nil)
                let criteria = SearchCriteria(["name": "công ty cổ phần"])
                let page = SearchPage(limit: 100)
                #expect(try await postgres.search(criteria: criteria, page: page) == (try await sqlite.search(criteria: criteria, page: page)))
                #expect(await postgres.connector.health() == .up)
                await postgres.connector.close()
                await sqlite.connector.close()
            }
        }

        @Test func nativeRowsKeepColumnTypes() async throws {
            try await PostgresCluster.withEnterprise { cluster in
                let connector = try PostgresConnector(
                    registry: "enterprise",
                    configuration: .init(
                        conninfo: cluster.url,
                        lookup: "SELECT $1::text AS k, 7::int4 AS i, 1.5::float8 AS f, true AS b, '{\"a\":[1]}'::jsonb AS j, NULL::text AS n, 12.50::numeric AS d"))
                let row = try #require(try await connector.lookup(key: "x"))
                #expect(row == ["k": "x", "i": 7, "f": 1.5, "b": true, "j": ["a": [1]], "n": nil, "d": "12.50"])
                await connector.close()
            }
        }

        @Test func stoppedServerIsUnavailableAndLookupsRecoverByThemselves() async throws {
            try await PostgresCluster.withEnterprise { cluster in
                let registry = try Self.enterprise(
                    url: cluster.url, resilience: ["failureThreshold": 3, "coolDownMs": 200, "retries": 1, "backoffMs": 10])
                let key = "0935673853"
                let expected = try #require(try await registry.record(key: key))

                // Lookups keep running while the server stops.
                let running = Task { () -> [String] in
                    var codes: [String] = []
                    while !Task.isCancelled {
                        do {
                            _ = try await registry.record(key: key)
                            codes.append("ok")
                        } catch let error as ConnectorError {
                            codes.append(error.code.wireCode)
                        } catch {
                            codes.append("other")
                        }
                        await Task.yield()
                    }
                    return codes
                }
                try await cluster.stop()
                let error = try await #require(throws: ConnectorError.self) { try await registry.record(key: key) }
                #expect([.unavailable, .circuitOpen, .timeout].contains(error.code))
                // The first failures the registry sees are 502 upstream-unavailable; then the breaker answers 503.
                running.cancel()
                let codes = await running.value
                print("while stopping: \(Dictionary(codes.map { ($0, 1) }, uniquingKeysWith: +))")
                #expect(codes.contains("upstream-unavailable"))
                #expect(Set(codes).isSubset(of: ["ok", "upstream-unavailable", "upstream-circuit-open", "upstream-timeout"]))
                let unavailable = ConnectorError(code: .unavailable, registry: "enterprise", detail: "")
                #expect(unavailable.problem.status == 502)

                try await cluster.start()
                // No restart of the connector: lookups succeed again once the breaker lets a probe through.
                var recovered: JSONValue?
                try await Poll.until(within: .seconds(10), every: .milliseconds(50)) {
                    recovered = try? await registry.record(key: key)
                    return recovered != nil
                }
                #expect(recovered == expected)
                await registry.connector.close()
            }
        }
    }
}
