import Foundation
import LienthongStorage

/// The audit log's lookup tables (record sequence numbers by request id and by subject) in a companion file,
/// `<log>-index`, kept off the commit path.
///
/// A random key (a UUID, an HMAC) in a B-tree index of `audit_records` dirties one more page per record at every
/// commit; on the bench that made each durable record cost 2.5 times as much. The lookup entries are derived from
/// the log, so they need no durability of their own: ``AuditIndexer`` adds them in large sorted batches, and a
/// lookup reads the records beyond ``through`` by scanning the log's tail. A missing or unreadable index file, or one
/// whose last entry does not match the log's record (the log was replaced), is rebuilt from the log.
struct AuditLookupIndex {
    /// What a lookup is by.
    enum Key {
        case requestID
        case subject

        /// The column of `audit_records`.
        var column: String {
            switch self {
            case .requestID: "request_id"
            case .subject: "subject_hmac"
            }
        }

        /// The table of the index file.
        var table: String {
            switch self {
            case .requestID: "by_request"
            case .subject: "by_subject"
            }
        }
    }

    /// The schema name of the index file when attached to a reader of the log.
    static let schema = "lookup"

    let database: SQLiteDatabase

    /// The index file of the log at `logPath`.
    static func path(forLog logPath: String) -> String { logPath + "-index" }

    /// Opens the index of the log at `logPath`, read through `log`, or creates it afresh when it is missing,
    /// unreadable or not this log's.
    init(logPath: String, log: AuditStore) throws(StorageError) {
        let path = Self.path(forLog: logPath)
        if let existing = try? Self.open(path), (try? Self.belongs(existing, to: log)) == true {
            database = existing
            return
        }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        database = try Self.open(path)
    }

    private static func open(_ path: String) throws(StorageError) -> SQLiteDatabase {
        let database = try SQLiteDatabase(path: path, mode: .readWriteCreate)
        try database.enableWAL()
        // Derived data: a crash may lose the last batch (it is added again from `through`), never corrupt the file.
        try database.execute("PRAGMA synchronous=NORMAL")
        try database.execute(
            """
            CREATE TABLE IF NOT EXISTS by_request (
                request_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (request_id, seq)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS by_subject (
                subject_hmac TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (subject_hmac, seq)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS indexed (
                id INTEGER PRIMARY KEY CHECK (id = 1), through INTEGER NOT NULL, through_hash TEXT
            );
            INSERT OR IGNORE INTO indexed (id, through) VALUES (1, 0);
            """
        )
        return database
    }

    /// Whether the index was made from `log`: the record it was indexed through is there, with the same hash.
    private static func belongs(_ database: SQLiteDatabase, to log: AuditStore) throws(StorageError) -> Bool {
        let row = try database.query("SELECT through, through_hash FROM indexed").first
        guard case .integer(let through) = row?[0] else { return false }
        guard through > 0 else { return true }
        guard case .text(let hash) = row?[1] else { return false }
        return try log.hash(seq: through) == hash
    }

    /// The last sequence number whose lookup entries are in the index.
    var through: Int64 {
        get throws(StorageError) { try Self.through(database) }
    }

    private static func through(_ database: SQLiteDatabase, schema: String = "main") throws(StorageError) -> Int64 {
        guard case .integer(let seq) = try database.query("SELECT through FROM \(schema).indexed").first?.first else {
            throw StorageError(code: .execute, detail: "the audit index has no high-water mark")
        }
        return seq
    }

    /// Adds the lookup entries of the log's records after ``through``, at most `limit` records.
    /// - Returns: how many records were indexed; fewer than `limit` means the index has caught up.
    func catchUp(from log: AuditStore, limit: Int) throws(StorageError) -> Int {
        let entries = try log.lookupEntries(after: try through, limit: limit)
        guard let last = entries.last else { return 0 }
        try database.transaction { database throws(StorageError) in
            // Sorted, so that each index page is written once per batch.
            for (key, pairs) in [
                (Key.requestID, entries.compactMap { entry in entry.requestID.map { ($0, entry.seq) } }),
                (Key.subject, entries.compactMap { entry in entry.subjectHMAC.map { ($0, entry.seq) } }),
            ] {
                let insert = try database.prepare(
                    "INSERT OR IGNORE INTO \(key.table) (\(key.column), seq) VALUES (?1, ?2)")
                for (value, seq) in pairs.sorted(by: { $0.0 < $1.0 }) {
                    insert.reset()
                    try insert.bind(.text(value), at: 1)
                    try insert.bind(.integer(seq), at: 2)
                    _ = try insert.step()
                }
            }
            _ = try database.query(
                "UPDATE indexed SET through = ?1, through_hash = ?2", [.integer(last.seq), .text(last.hash)])
        }
        return entries.count
    }

    /// Attaches the index of the log at `logPath` to a reader of that log, as ``schema``.
    /// - Returns: the index's ``through``; `nil` when there is no usable index (a copied log, say), and lookups scan.
    static func attach(to reader: AuditStore, logPath: String) -> Int64? {
        let path = Self.path(forLog: logPath)
        guard FileManager.default.fileExists(atPath: path),
            (try? reader.database.query("ATTACH DATABASE ?1 AS \(schema)", [.text(path)])) != nil
        else { return nil }
        return try? through(reader.database, schema: schema)
    }

    /// The SQL condition on `audit_records` for the records whose `key` is `?1`: through the index up to `through`
    /// (`?2`), by a scan of the newer records beyond it, or by a scan of the whole log when there is no index.
    ///
    /// The key is compared on the record itself as well, so an index entry that does not match its record (a
    /// tampered index) finds nothing.
    static func condition(_ key: Key, indexed: Bool) -> String {
        guard indexed else { return "\(key.column) = ?1" }
        return """
            seq IN (SELECT seq FROM \(schema).\(key.table) WHERE \(key.column) = ?1 AND seq <= ?2 \
            UNION ALL SELECT seq FROM audit_records WHERE seq > ?2 AND \(key.column) = ?1) AND \(key.column) = ?1
            """
    }
}
