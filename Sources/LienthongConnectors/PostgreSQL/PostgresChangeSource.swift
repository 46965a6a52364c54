import LienthongJSON
import LienthongStorage

/// The changes of a registry kept in PostgreSQL, as ``SQLiteChangeSource`` finds them in SQLite: the rows of a change
/// table past a sequence, or the rows whose `updated_at` column is past a time, ties ordered by key.
///
/// Reads through the lookup connector's pool; values travel as the server's text (`$1` takes the column's type), so
/// a `timestamptz` column works as well as an integer one. The cursor is the last sequence, or the last
/// `[updated_at, key]` as JSON strings.
public struct PostgresChangeSource: ChangeSource {
    let connector: PostgresConnector
    let detection: ChangeDetection

    /// A source over `connector`'s database; `detection` is a change table or an `updated_at` column.
    public init(connector: PostgresConnector, detection: ChangeDetection) {
        self.connector = connector
        self.detection = detection
    }

    public func head() async throws(ConnectorError) -> String {
        switch detection {
        case .changeTable(let table, let sequence, _):
            return try await query("SELECT COALESCE(MAX(\(sequence)), 0)::text FROM \(table)", []).first?.first ?? "0"
        case .updatedAt(let table, let column, let key):
            let rows = try await query(
                "SELECT \(column)::text, \(key)::text FROM \(table) ORDER BY \(column) DESC, \(key) DESC LIMIT 1", [])
            return rows.first.map(Self.cursor) ?? "[]"
        case .reload, .feed:
            throw ConnectorError(code: .configuration, registry: connector.registry, detail: "PostgreSQL detects changes in tables")
        }
    }

    public func changes(after cursor: String, limit: Int) async throws(ConnectorError) -> [NativeChange] {
        let rows: [[String]]
        switch detection {
        case .changeTable(let table, let sequence, let key):
            rows = try await query(
                """
                SELECT \(sequence)::text, \(key)::text FROM \(table) WHERE \(sequence) > $1 ORDER BY \(sequence) LIMIT $2
                """, [cursor, String(limit)])
        case .updatedAt(let table, let column, let key):
            guard let parsed = (try? JSONValue.parse(Array(cursor.utf8)))?.arrayValue?.compactMap(\.stringValue) else {
                throw ConnectorError(
                    code: .configuration, registry: connector.registry, detail: "the change cursor is not this source's")
            }
            if parsed.count == 2 {
                rows = try await query(
                    """
                    SELECT \(column)::text, \(key)::text FROM \(table)
                    WHERE \(column) > $1 OR (\(column) = $1 AND \(key) > $2) ORDER BY \(column), \(key) LIMIT $3
                    """, [parsed[0], parsed[1], String(limit)])
            } else {
                rows = try await query(
                    "SELECT \(column)::text, \(key)::text FROM \(table) ORDER BY \(column), \(key) LIMIT $1",
                    [String(limit)])
            }
        case .reload, .feed:
            throw ConnectorError(code: .configuration, registry: connector.registry, detail: "PostgreSQL detects changes in tables")
        }
        var changes: [NativeChange] = []
        for row in rows {
            let next: String
            if case .changeTable = detection { next = row[0] } else { next = Self.cursor(row) }
            changes.append(
                NativeChange(key: row[1], before: nil, after: try await connector.lookup(key: row[1]), cursor: next))
        }
        return changes
    }

    private func query(_ sql: String, _ parameters: [String?]) async throws(ConnectorError) -> [[String]] {
        do {
            return try await connector.pool.query(sql, parameters).rows.map { $0.map { $0 ?? "" } }
        } catch {
            throw connector.connectorError(error)
        }
    }

    private static func cursor(_ row: [String]) -> String {
        JSONValue.array([.string(row[0]), .string(row[1])]).serializedString()
    }
}
