import Foundation
import LienthongStorage
import LienthongTrust

/// The audit log's lookup tables (record sequence numbers by request id and by subject) in a companion file,
/// `<log>-index`, kept off the commit path.
///
/// A random key (a UUID, an HMAC) in a B-tree index of `audit_records` dirties one more page per record at every
/// commit; on the bench that made each durable record cost 2.5 times as much. The lookup entries are derived from
/// the log, so they need no durability of their own: ``AuditIndexer`` adds them in large sorted batches, and a
/// lookup reads the records beyond ``through`` by scanning the log's tail. A missing or unreadable index file, or one
/// whose last entry does not match the log's record (the log was replaced), is rebuilt from the log.
///
/// Entries hold a 64-bit ``hashKey(_:)`` of the value rather than the value: three to four times as many fit on a
/// page, so each batch rewrites fewer pages. A lookup compares the value on the record itself, so a collision costs
/// one extra row read, never a wrong answer.
///
/// Entries are grouped by ``bucket(of:)`` of their record (``bucketSize`` consecutive records) before the key: a
/// batch of new records then rewrites the leaves of the newest buckets only. Keyed by the random key alone, every
/// batch of a second's records touched nearly every leaf of the index once the log held a few hundred thousand
/// records, so the indexer's cost per record grew with the log (on the bench, 3,000 pages rewritten, copied and
/// synced every second at 330,000 records). A lookup probes each bucket, one B-tree seek apiece.
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
    /// The layout of the index file (`PRAGMA user_version`); a file of another layout is rebuilt.
    static let version: Int64 = 3
    /// Records per bucket: a batch rewrites at most about a bucket's worth of leaves per table (some 40 pages), and a
    /// lookup in a log of ten million records probes some 1,200 buckets (a few milliseconds).
    static let bucketSize: Int64 = 8_192

    /// The bucket of record `seq`.
    static func bucket(of seq: Int64) -> Int64 { seq / bucketSize }

    /// The index key of a request id or subject HMAC: the first 8 bytes of its SHA-256, as a signed integer.
    static func hashKey(_ value: String) -> Int64 {
        var key: UInt64 = 0
        for byte in Digest.sha256(Array(value.utf8)).prefix(8) { key = key << 8 | UInt64(byte) }
        return Int64(bitPattern: key)
    }

    let database: SQLiteDatabase

    /// The index file of the log at `logPath`.
    static func path(forLog logPath: String) -> String { logPath + "-index" }

    /// Opens the index of the log at `logPath`, read through `log`, or creates it afresh when it is missing,
    /// unreadable or not this log's.
    init(logPath: String, log: AuditStore) throws(StorageError) {
        let path = Self.path(forLog: logPath)
        if FileManager.default.fileExists(atPath: path), let existing = try? Self.open(path),
            (try? Self.belongs(existing, to: log)) == true
        {
            database = existing
            return
        }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        database = try Self.open(path)
        try database.execute("PRAGMA user_version=\(Self.version)")
    }

    private static func open(_ path: String) throws(StorageError) -> SQLiteDatabase {
        let database = try SQLiteDatabase(path: path, mode: .readWriteCreate)
        try database.enableWAL()
        // Derived data: a crash may lose the last batch (it is added again from `through`), never corrupt the file.
        try database.execute("PRAGMA synchronous=NORMAL")
        try database.execute(
            """
            CREATE TABLE IF NOT EXISTS by_request (
                bucket INTEGER NOT NULL, key INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (bucket, key, seq)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS by_subject (
                bucket INTEGER NOT NULL, key INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (bucket, key, seq)
            ) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS indexed (
                id INTEGER PRIMARY KEY CHECK (id = 1), through INTEGER NOT NULL, through_hash TEXT
            );
            INSERT OR IGNORE INTO indexed (id, through) VALUES (1, 0);
            """
        )
        return database
    }

    /// Whether the index was made from `log` in this layout: the record it was indexed through is there, with the
    /// same hash.
    private static func belongs(_ database: SQLiteDatabase, to log: AuditStore) throws(StorageError) -> Bool {
        guard case .integer(Self.version) = try database.query("PRAGMA user_version").first?.first else { return false }
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
            for (key, values) in [
                (Key.requestID, entries.map { ($0.seq, $0.requestID) }),
                (Key.subject, entries.map { ($0.seq, $0.subjectHMAC) }),
            ] {
                let rows = values.compactMap { seq, value in
                    value.map { (Self.bucket(of: seq), Self.hashKey($0), seq) }
                }
                let insert = try database.prepare(
                    "INSERT OR IGNORE INTO \(key.table) (bucket, key, seq) VALUES (?1, ?2, ?3)")
                for (bucket, hashKey, seq) in rows.sorted(by: <) {
                    insert.reset()
                    try insert.bind(.integer(bucket), at: 1)
                    try insert.bind(.integer(hashKey), at: 2)
                    try insert.bind(.integer(seq), at: 3)
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

    /// The SQL condition on `audit_records` for the records whose `key` is `?1`: through the index (whose key for
    /// `?1` is `?3`, its ``hashKey(_:)``) up to `through` (`?2`, whose bucket is `?4`), by a scan of the newer records
    /// beyond it, or by a scan of the whole log when there is no index. Bind ``parameters(_:through:)`` after `?1`.
    ///
    /// The key is compared on the record itself as well, so an index entry that does not match its record (a
    /// tampered index) finds nothing.
    static func condition(_ key: Key, indexed: Bool) -> String {
        guard indexed else { return "\(key.column) = ?1" }
        // Buckets first (CROSS JOIN keeps that order): one seek on (bucket, key) per bucket.
        return """
            seq IN (WITH RECURSIVE buckets(number) AS \
            (SELECT 0 UNION ALL SELECT number + 1 FROM buckets WHERE number < ?4) \
            SELECT seq FROM buckets CROSS JOIN \(schema).\(key.table) ON bucket = number AND key = ?3 WHERE seq <= ?2 \
            UNION ALL SELECT seq FROM audit_records WHERE seq > ?2 AND \(key.column) = ?1) AND \(key.column) = ?1
            """
    }

    /// The parameters after `?1` of ``condition(_:indexed:)`` for `value`, with an index through `through` (none
    /// without an index).
    static func parameters(_ value: String, through: Int64?) -> [SQLiteValue] {
        guard let through else { return [] }
        return [.integer(through), .integer(hashKey(value)), .integer(bucket(of: through))]
    }
}
