internal import CSQLite
internal import CLienthongShims

/// A compiled statement of one ``SQLiteDatabase``; used on the same thread as its connection.
///
/// Bind values by 1-based index or by parameter name, ``step()`` through the rows, read typed columns by
/// 0-based index, and ``reset()`` to run it again.
public final class SQLiteStatement {
    private let handle: OpaquePointer
    // Keeps the connection open for as long as the statement lives; `nil` for the statements the connection caches
    // itself, which it finalizes before it closes.
    private let database: SQLiteDatabase?

    init(handle: OpaquePointer, database: SQLiteDatabase?) {
        self.handle = handle
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    // MARK: Binding

    /// Binds `value` to the parameter at 1-based `index`.
    /// - Throws: `storage.bind` for an index out of range.
    public func bind(_ value: SQLiteValue, at index: Int32) throws(StorageError) {
        let rc: Int32
        switch value {
        case .integer(let int): rc = sqlite3_bind_int64(handle, index, int)
        case .real(let double): rc = sqlite3_bind_double(handle, index, double)
        case .text(let text):
            // withCString gives a NUL-terminated copy; the explicit length keeps embedded NULs.
            rc = text.withCString { lt_sqlite3_bind_text_transient(handle, index, $0, Int32(text.utf8.count)) }
        case .blob(let bytes):
            rc = bytes.withUnsafeBytes { buffer in
                // A zero-length blob still needs a non-NULL pointer, or SQLite binds NULL.
                var zero: UInt8 = 0
                return buffer.baseAddress.map { lt_sqlite3_bind_blob_transient(handle, index, $0, Int32(buffer.count)) }
                    ?? lt_sqlite3_bind_blob_transient(handle, index, &zero, 0)
            }
        case .null: rc = sqlite3_bind_null(handle, index)
        }
        guard rc == SQLITE_OK else { throw SQLiteResult.error(rc, operation: "bind #\(index)", fallback: .bind) }
    }

    /// Binds `value` to the named parameter (`:name`, `@name` or `$name`, written with its prefix).
    /// - Throws: `storage.bind` when the statement has no such parameter.
    public func bind(_ value: SQLiteValue, named name: String) throws(StorageError) {
        let index = sqlite3_bind_parameter_index(handle, name)
        guard index > 0 else { throw StorageError(code: .bind, detail: "bind: no parameter named \(name)") }
        try bind(value, at: index)
    }

    /// Binds an integer at 1-based `index`.
    public func bind(_ value: Int, at index: Int32) throws(StorageError) { try bind(.integer(Int64(value)), at: index) }
    /// Binds a double at 1-based `index`.
    public func bind(_ value: Double, at index: Int32) throws(StorageError) { try bind(.real(value), at: index) }
    /// Binds text at 1-based `index`.
    public func bind(_ value: String, at index: Int32) throws(StorageError) { try bind(.text(value), at: index) }
    /// Binds a blob at 1-based `index`.
    public func bind(_ value: [UInt8], at index: Int32) throws(StorageError) { try bind(.blob(value), at: index) }
    /// Binds `NULL` at 1-based `index`.
    public func bindNull(at index: Int32) throws(StorageError) { try bind(.null, at: index) }

    /// The number of parameters the statement takes.
    public var parameterCount: Int32 { sqlite3_bind_parameter_count(handle) }

    // MARK: Evaluation

    /// Advances to the next row.
    /// - Returns: `true` when a row is available, `false` when the statement is done.
    /// - Throws: `storage.step`, or a specific code (`storage.busy`, `storage.constraint`, `storage.read-only`).
    @discardableResult
    public func step() throws(StorageError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let extended = sqlite3_extended_errcode(sqlite3_db_handle(handle))
            throw SQLiteResult.error(extended, operation: "step", fallback: .step)
        }
    }

    /// Resets the statement so it can run again; bindings are kept.
    public func reset() {
        // The error of the last step (if any) was already reported by step().
        sqlite3_reset(handle)
    }

    /// Sets every parameter back to `NULL`.
    public func clearBindings() { sqlite3_clear_bindings(handle) }

    // MARK: Columns

    /// The number of columns in a result row.
    public var columnCount: Int32 { sqlite3_column_count(handle) }

    /// The name of the column at 0-based `index` (its alias when the query gives one).
    public func columnName(at index: Int32) -> String {
        sqlite3_column_name(handle, index).map { String(cString: $0) } ?? ""
    }

    /// Whether the column at `index` of the current row is `NULL`.
    public func isNull(at index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }

    /// The column as an integer (SQLite converts other storage classes; `NULL` gives `nil`).
    public func int64(at index: Int32) -> Int64? {
        isNull(at: index) ? nil : sqlite3_column_int64(handle, index)
    }

    /// The column as an `Int`, or `nil` for `NULL`.
    public func int(at index: Int32) -> Int? { int64(at: index).map { Int($0) } }

    /// The column as a double, or `nil` for `NULL`.
    public func double(at index: Int32) -> Double? {
        isNull(at: index) ? nil : sqlite3_column_double(handle, index)
    }

    /// The column as text, or `nil` for `NULL`.
    public func string(at index: Int32) -> String? {
        guard !isNull(at: index), let text = sqlite3_column_text(handle, index) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The column as bytes, or `nil` for `NULL`.
    public func blob(at index: Int32) -> [UInt8]? {
        guard !isNull(at: index) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, index))
        guard count > 0, let bytes = sqlite3_column_blob(handle, index) else { return [] }
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// The column in its own storage class.
    public func value(at index: Int32) -> SQLiteValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT: .text(string(at: index) ?? "")
        case SQLITE_BLOB: .blob(blob(at: index) ?? [])
        default: .null
        }
    }
}
