import LienthongJSON
import LienthongStorage

/// The changes of a registry kept in SQLite: the rows of a change table past a sequence, or the rows whose
/// `updated_at` column is past a time (ties ordered by key, so a page never splits one instant's rows unseen).
///
/// Reads through the lookup connector's read-only pool; the record after each change is the connector's lookup.
/// The cursor is the last sequence (`"41"`), or the last `[updated_at, key]` as JSON.
public struct SQLiteChangeSource: ChangeSource {
    let connector: SQLiteConnector
    let detection: ChangeDetection

    /// A source over `connector`'s database; `detection` is a change table or an `updated_at` column.
    public init(connector: SQLiteConnector, detection: ChangeDetection) {
        self.connector = connector
        self.detection = detection
    }

    public func head() async throws(ConnectorError) -> String {
        switch detection {
        case .changeTable(let table, let sequence, _):
            let rows = try await query("SELECT COALESCE(MAX(\(sequence)), 0) FROM \(table)", [])
            return Self.text(rows.first?.first ?? .integer(0))
        case .updatedAt(let table, let column, let key):
            let rows = try await query(
                "SELECT \(column), \(key) FROM \(table) ORDER BY \(column) DESC, \(key) DESC LIMIT 1", [])
            guard let row = rows.first else { return "[]" }
            return Self.cursor(row)
        case .reload, .feed:
            throw ConnectorError(code: .configuration, registry: connector.registry, detail: "SQLite detects changes in tables")
        }
    }

    public func changes(after cursor: String, limit: Int) async throws(ConnectorError) -> [NativeChange] {
        let rows: [[SQLiteValue]]
        switch detection {
        case .changeTable(let table, let sequence, let key):
            guard let last = Int64(cursor) else { throw badCursor() }
            rows = try await query(
                "SELECT \(sequence), \(key) FROM \(table) WHERE \(sequence) > ?1 ORDER BY \(sequence) LIMIT ?2",
                [.integer(last), .integer(Int64(limit))])
        case .updatedAt(let table, let column, let key):
            let parsed = (try? JSONValue.parse(Array(cursor.utf8)))?.arrayValue
            guard let parsed else { throw badCursor() }
            if parsed.isEmpty {
                rows = try await query(
                    "SELECT \(column), \(key) FROM \(table) ORDER BY \(column), \(key) LIMIT ?1",
                    [.integer(Int64(limit))])
            } else {
                guard parsed.count == 2, let time = Self.value(parsed[0]), let lastKey = Self.value(parsed[1]) else {
                    throw badCursor()
                }
                rows = try await query(
                    """
                    SELECT \(column), \(key) FROM \(table) WHERE \(column) > ?1 OR (\(column) = ?1 AND \(key) > ?2)
                    ORDER BY \(column), \(key) LIMIT ?3
                    """, [time, lastKey, .integer(Int64(limit))])
            }
        case .reload, .feed:
            throw ConnectorError(code: .configuration, registry: connector.registry, detail: "SQLite detects changes in tables")
        }
        var changes: [NativeChange] = []
        for row in rows {
            let key = Self.text(row[1])
            let next: String
            if case .changeTable = detection { next = Self.text(row[0]) } else { next = Self.cursor(row) }
            changes.append(
                NativeChange(key: key, before: nil, after: try await connector.lookup(key: key), cursor: next))
        }
        return changes
    }

    private func query(_ sql: String, _ bindings: [SQLiteValue]) async throws(ConnectorError) -> [[SQLiteValue]] {
        do {
            return try await connector.pool.withConnection { db throws(StorageError) in
                try db.withCachedStatement(sql) { statement throws(StorageError) in
                    for (index, value) in bindings.enumerated() { try statement.bind(value, at: Int32(index + 1)) }
                    var rows: [[SQLiteValue]] = []
                    while try statement.step() {
                        rows.append((0..<statement.columnCount).map { statement.value(at: $0) })
                    }
                    return rows
                }
            }
        } catch {
            throw connector.connectorError(error)
        }
    }

    private func badCursor() -> ConnectorError {
        ConnectorError(code: .configuration, registry: connector.registry, detail: "the change cursor is not this source's")
    }

    private static func cursor(_ row: [SQLiteValue]) -> String {
        JSONValue.array([json(row[0]), json(row[1])]).serializedString()
    }

    private static func json(_ value: SQLiteValue) -> JSONValue {
        switch value {
        case .integer(let number): .number(JSONNumber(Int(number)))
        case .real(let number): .number(JSONNumber(number))
        case .text(let text): .string(text)
        case .blob, .null: .null
        }
    }

    private static func value(_ json: JSONValue) -> SQLiteValue? {
        if let text = json.stringValue { return .text(text) }
        if let number = json.numberValue {
            if let int = number.int { return .integer(Int64(int)) }
            return .real(number.double)
        }
        return nil
    }

    private static func text(_ value: SQLiteValue) -> String {
        switch value {
        case .integer(let number): String(number)
        case .real(let number): String(number)
        case .text(let text): text
        case .blob, .null: ""
        }
    }
}
