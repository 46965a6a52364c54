internal import CSQLite

/// Turns SQLite result codes into ``StorageError`` values without reading any value.
enum SQLiteResult {
    /// The error for result `rc` of `operation`; `fallback` is the code when `rc` has no specific meaning.
    static func error(_ rc: Int32, operation: String, fallback: StorageError.Code) -> StorageError {
        let primary = rc & 0xff
        let code: StorageError.Code =
            switch primary {
            case SQLITE_BUSY, SQLITE_LOCKED: .busy
            case SQLITE_CONSTRAINT: .constraint
            case SQLITE_READONLY: .readOnly
            case SQLITE_MISUSE, SQLITE_RANGE: fallback == .bind ? .bind : .misuse
            default: fallback
            }
        let message = sqlite3_errstr(rc).map { String(cString: $0) } ?? "unknown error"
        return StorageError(code: code, sqliteCode: rc, detail: "\(operation): \(message)")
    }
}
