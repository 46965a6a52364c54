/// The rows a statement returned, copied out of libpq in text format.
///
/// Values are the server's text representation, byte for byte (the connection uses UTF-8);
/// SQL `NULL` is `nil`. Commands without rows give zero columns and rows, and
/// ``affectedRows`` where the command reports a count.
public struct PostgresResult: Sendable, Hashable {
    /// The column names, in select-list order (names may repeat, e.g. two unnamed `?column?`).
    public let columns: [String]
    /// The type OIDs of the columns, as the server reports them (e.g. 25 `text`, 23 `int4`).
    public let columnTypes: [UInt32]
    /// The rows; each has one value per column, `nil` for SQL `NULL`.
    public let rows: [[String?]]
    /// The number of rows the command affected (`INSERT`, `UPDATE`, `DELETE`, `SELECT`, ...),
    /// or `nil` when the command reports none (e.g. `CREATE TABLE`).
    public let affectedRows: Int?

    /// Creates a result from its parts.
    /// - Parameters:
    ///   - columns: The column names.
    ///   - columnTypes: The column type OIDs; one per column (or empty when unknown).
    ///   - rows: The rows, each with one value per column.
    ///   - affectedRows: The affected-row count, if the command reports one.
    public init(columns: [String], columnTypes: [UInt32] = [], rows: [[String?]], affectedRows: Int? = nil) {
        precondition(columnTypes.isEmpty || columnTypes.count == columns.count, "one type per column")
        precondition(rows.allSatisfy { $0.count == columns.count }, "one value per column in every row")
        self.columns = columns
        self.columnTypes = columnTypes.isEmpty ? Array(repeating: 0, count: columns.count) : columnTypes
        self.rows = rows
        self.affectedRows = affectedRows
    }

    /// The number of rows.
    public var count: Int { rows.count }

    /// Whether there are no rows.
    public var isEmpty: Bool { rows.isEmpty }

    /// The index of the first column with this name, or `nil`.
    public func columnIndex(named name: String) -> Int? {
        columns.firstIndex(of: name)
    }

    /// The value at a row and column name: `.some(nil)` for SQL `NULL`, `nil` if there is no such column.
    /// - Parameters:
    ///   - row: A row index in `0..<count`.
    ///   - column: A column name.
    public func value(row: Int, column: String) -> String?? {
        guard let index = columnIndex(named: column) else { return nil }
        return .some(rows[row][index])
    }

    /// A row as a dictionary from column name to value (`nil` for SQL `NULL`).
    ///
    /// When names repeat, the first column of that name wins.
    /// - Parameter index: A row index in `0..<count`.
    /// - Returns: The row keyed by column name.
    public func row(at index: Int) -> [String: String?] {
        var row: [String: String?] = [:]
        row.reserveCapacity(columns.count)
        for (column, value) in zip(columns, rows[index]) where row.index(forKey: column) == nil {
            row[column] = .some(value)
        }
        return row
    }

    /// All rows as dictionaries from column name to value; see ``row(at:)``.
    public var namedRows: [[String: String?]] {
        rows.indices.map(row(at:))
    }
}
