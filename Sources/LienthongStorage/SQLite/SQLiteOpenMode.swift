/// How a database file is opened.
public enum SQLiteOpenMode: Sendable, Hashable {
    /// Read only; the file must exist.
    case readOnly
    /// Read and write; the file must exist.
    case readWrite
    /// Read and write; the file is created if missing.
    case readWriteCreate
}
