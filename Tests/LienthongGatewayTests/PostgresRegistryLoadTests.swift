import Foundation
import LienthongJSON
import LienthongStorage
import LienthongTesting
import Testing

/// `lienthong registry load-postgres` against a real cluster, and the built gateway serving `config/postgres` from it.
@Suite(.serialized)
struct PostgresRegistryLoadTests {
    static let configuration = Repository.root.appendingPathComponent("config/postgres")

    /// Runs the built `lienthong` with `arguments`, the environment changed by `env` words (`NAME=value`, `-u NAME`).
    static func lienthong(_ arguments: [String], env: [String] = []) throws -> ChildProcess.Output {
        try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), env + [GatewayProcess.binary.path] + arguments)
    }

    @Test func loadingIsIdempotentAndTheGatewayReadsTheTable() async throws {
        try await PostgresCluster.with { cluster in
            let load = ["registry", "load-postgres", "--config", Self.configuration.path]
            let first = try Self.lienthong(load + ["--url", cluster.url])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout == "enterprise: 200 rows loaded into table doanh_nghiep\n")
            #expect(!first.stdout.contains(cluster.url) && !first.stderr.contains(cluster.url))

            let seeds = try Seeds.rows("enterprise.csv")
            let changed = try #require(seeds.first?["ma_so_doanh_nghiep"])
            let removed = try #require(seeds.last?["ma_so_doanh_nghiep"])
            let gateway = try GatewayProcess(
                configDirectory: Self.configuration, environment: ["LIENTHONG_POSTGRES_URL": cluster.url])
            defer { gateway.stop() }
            let headers = [
                "Authorization": "Bearer \(try gateway.token("motcua.token"))", "Lienthong-Purpose": "enterprise-registration",
            ]
            /// The status of a lookup and the record's name.
            func name(_ key: String) async throws -> String {
                let response = try await gateway.get("/v1/records/enterprise/\(key)", headers: headers, client: gateway.client())
                return "\(response.status) \(response.json["message"]?["record"]?["name"]?.stringValue ?? "-")"
            }
            let seedName = try #require(seeds.first?["ten_doanh_nghiep"]).precomposedStringWithCanonicalMapping
            #expect(try await name(changed) == "200 \(seedName)")

            // Someone edits the table: the gateway reads PostgreSQL, not the SQLite copy beside it.
            let connection = try PostgresConnection(cluster.url)
            try connection.query("UPDATE doanh_nghiep SET ten_doanh_nghiep = $1 WHERE ma_so_doanh_nghiep = $2", ["Công ty Sửa Tay", changed])
            try connection.query("DELETE FROM doanh_nghiep WHERE ma_so_doanh_nghiep = $1", [removed])
            #expect(try await name(changed) == "200 Công ty Sửa Tay")
            #expect(try await name(removed) == "404 -")

            // A second load, the URL from the environment as the connector names it, puts back exactly the seed.
            let second = try Self.lienthong(load, env: ["LIENTHONG_POSTGRES_URL=\(cluster.url)"])
            #expect(second.status == 0, "\(second.stderr)")
            #expect(try connection.query("SELECT count(*) FROM doanh_nghiep").rows == [["200"]])
            #expect(try await name(changed) == "200 \(seedName)")
            #expect(try await name(removed).hasPrefix("200 "))
        }
    }

    @Test func withoutADatabaseOrAPostgresRegistryItIsAUsageError() throws {
        let noURL = try Self.lienthong(
            ["registry", "load-postgres", "--config", Self.configuration.path], env: ["-u", "LIENTHONG_POSTGRES_URL"])
        #expect(noURL.status == 2)
        #expect(noURL.stderr.contains("LIENTHONG_POSTGRES_URL"))
        let sqlite = try Self.lienthong(
            ["registry", "load-postgres", "--config", Repository.root.appendingPathComponent("config/demo").path,
             "--url", "postgresql://postgres@127.0.0.1:1/lienthong"])
        #expect(sqlite.status == 2)
        #expect(sqlite.stderr.contains("is not in PostgreSQL"))
        let unreachable = try Self.lienthong(
            ["registry", "load-postgres", "--config", Self.configuration.path,
             "--url", "postgresql://postgres:secret@127.0.0.1:1/lienthong"])
        #expect(unreachable.status == 1)
        #expect(unreachable.stderr.contains("upstream-unavailable") || unreachable.stderr.contains("cannot be loaded"))
        #expect(!unreachable.stderr.contains("secret"))
    }
}
