import Foundation  // files
import LienthongStorage

/// Loads the demo enterprise registry into PostgreSQL: table `doanh_nghiep` in the Ministry of Finance's native
/// columns (as ``DemoRegistries`` builds it in SQLite), filled from `seeds/enterprise.csv`.
///
/// ```swift
/// let rows = try await PostgresEnterpriseLoader.load(
///     seedsDirectory: "seeds", conninfo: "postgresql://postgres@127.0.0.1:54321/lienthong")
/// ```
public enum PostgresEnterpriseLoader {
    /// The table, its columns and PostgreSQL types: the seed's header, `von_dieu_le` as `bigint`, the rest `text`.
    static let table = "doanh_nghiep"

    /// Replaces the table with the seed's rows, in one transaction (readers see the old or the new table).
    /// - Parameters:
    ///   - seedsDirectory: The directory holding `enterprise.csv`.
    ///   - conninfo: The libpq connection string or URI of the database.
    /// - Returns: The number of rows loaded.
    /// - Throws: `connector-configuration` for a missing or malformed seed, `upstream-unavailable` when the
    ///   database cannot be reached or written (cause: the PostgreSQL code).
    @discardableResult
    public static func load(seedsDirectory: String, conninfo: String) async throws(ConnectorError) -> Int {
        guard let spec = DemoRegistries.tables.first(where: { $0.registry == "enterprise" }) else {
            throw ConnectorError(code: .configuration, registry: "enterprise", detail: "no enterprise table definition")
        }
        let seedPath = (seedsDirectory as NSString).appendingPathComponent(spec.seedFile)
        guard let data = FileManager.default.contents(atPath: seedPath),
            let csv = CSVTable(text: String(decoding: data, as: UTF8.self))
        else {
            throw ConnectorError(code: .configuration, registry: "enterprise", detail: "seed file \(spec.seedFile) is missing or not CSV")
        }
        guard csv.header == spec.columns.map(\.name) else {
            throw ConnectorError(code: .configuration, registry: "enterprise", detail: "seed header differs from the native schema")
        }
        let columns = spec.columns.map { "\($0.name) \($0.type == "INTEGER" ? "bigint" : "text")" }.joined(separator: ", ")
        let create = "CREATE TABLE \(spec.table) (\(columns), PRIMARY KEY (\(spec.key.joined(separator: ", "))))"
        let indexes = spec.extraIndexes.map { "CREATE INDEX \(spec.table)_\($0) ON \(spec.table) (\($0))" }
        let placeholders = spec.columns.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
        let insert = "INSERT INTO \(spec.table) VALUES (\(placeholders))"
        let rows = csv.rows.map { $0.map { $0.isEmpty ? nil : $0 } as [String?] }

        // A bulk load by a tool or a test, in one transaction: blocking on the pool's connection queue, no loop.
        let pool = PostgresConnectionPool(.init(conninfo: conninfo, maximumConnections: 1))
        defer { Task { await pool.close() } }
        do throws(PostgresError) {
            try await pool.withConnection { connection throws(PostgresError) in
                _ = try connection.query("BEGIN")
                do throws(PostgresError) {
                    _ = try connection.query("DROP TABLE IF EXISTS \(spec.table)")
                    _ = try connection.query(create)
                    for index in indexes { _ = try connection.query(index) }
                    for row in rows { _ = try connection.query(insert, row, prepared: true) }
                    _ = try connection.query("COMMIT")
                } catch {
                    _ = try? connection.query("ROLLBACK")
                    throw error
                }
            }
        } catch {
            throw ConnectorError(
                code: .unavailable, registry: "enterprise", detail: "the table cannot be loaded: \(error.detail)",
                cause: error.sqlState.map { "postgres.\($0)" } ?? error.code.wireCode)
        }
        return rows.count
    }
}
