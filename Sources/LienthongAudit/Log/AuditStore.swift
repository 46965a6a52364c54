import LienthongStorage
import LienthongTrust

/// The audit tables in SQLite (`audit_records`, `audit_checkpoints`): schema, insert and read. Used by one
/// thread at a time.
struct AuditStore {
    private static let baseColumns = """
        seq, recorded_at, request_id, consumer, provider, service, purpose, subject_hmac, fields, outcome, status, \
        problem_code, latency_us, message_sha256, prev_hash, hash
        """
    /// Columns added after the first release, in `record(from:)` order. Older logs gain them when opened for
    /// writing (their records, and so their hashes, stay as they are) and read them as NULL when opened read-only.
    private static let laterColumns = ["request_sha256", "document_sha256"]

    /// The WAL size, in pages, beyond which the writer checkpoints in a commit after all (about 64 MiB).
    static let writerCheckpointPages = 16_384

    let database: SQLiteDatabase
    private let insert: SQLiteStatement
    /// The columns read and written, in `record(from:)` order, with NULL for a later column this log lacks.
    private let columns: String

    /// Opens (creating if needed) the audit database with WAL and full fsync at every commit.
    init(path: String, readOnly: Bool = false) throws(StorageError) {
        database = try SQLiteDatabase(path: path, mode: readOnly ? .readOnly : .readWriteCreate)
        if !readOnly {
            try database.enableWAL()
            // In WAL mode, FULL syncs the log at every commit: a committed record survives a crash.
            try database.execute("PRAGMA synchronous=FULL")
            // The WAL is copied into the database by the indexer thread (`AuditIndexer`), off the commit path: a
            // checkpoint in a commit (SQLite's default, every 1,000 pages) holds that batch's callers for the copy
            // and a second fsync. The writer checkpoints only if the WAL outgrows this (an indexer that is stuck).
            try database.execute("PRAGMA wal_autocheckpoint=\(Self.writerCheckpointPages)")
            try database.execute(
                """
                CREATE TABLE IF NOT EXISTS audit_records (
                    seq INTEGER PRIMARY KEY,
                    recorded_at TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    consumer TEXT, provider TEXT, service TEXT, purpose TEXT,
                    subject_hmac TEXT,
                    fields TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    problem_code TEXT,
                    latency_us INTEGER NOT NULL,
                    message_sha256 TEXT,
                    prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL,
                    request_sha256 TEXT,
                    document_sha256 TEXT
                );
                CREATE INDEX IF NOT EXISTS audit_records_recorded_at ON audit_records(recorded_at);
                -- Lookups by request id and subject moved to the companion index file (AuditLookupIndex).
                DROP INDEX IF EXISTS audit_records_request_id;
                DROP INDEX IF EXISTS audit_records_subject;
                CREATE TABLE IF NOT EXISTS audit_checkpoints (
                    seq INTEGER PRIMARY KEY,
                    hash TEXT NOT NULL,
                    time TEXT NOT NULL,
                    node TEXT NOT NULL,
                    protected TEXT NOT NULL,
                    signature TEXT NOT NULL
                );
                CREATE TABLE IF NOT EXISTS audit_seals (
                    seq INTEGER PRIMARY KEY,
                    break_seq INTEGER NOT NULL,
                    failure TEXT NOT NULL,
                    operator TEXT NOT NULL,
                    time TEXT NOT NULL,
                    node TEXT NOT NULL,
                    prev_hash TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                CREATE TABLE IF NOT EXISTS audit_timestamps (seq INTEGER PRIMARY KEY, token BLOB NOT NULL);
                """
            )
        }
        var present = try Self.existingColumns(database)
        for column in Self.laterColumns where !readOnly && !present.contains(column) {
            try database.execute("ALTER TABLE audit_records ADD COLUMN \(column) TEXT")
            present.insert(column)
        }
        columns = ([Self.baseColumns] + Self.laterColumns.map { present.contains($0) ? $0 : "NULL" })
            .joined(separator: ", ")
        insert = try database.prepare(
            readOnly
                ? "SELECT 1"
                : "INSERT INTO audit_records (\(columns)) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)"
        )
    }

    /// The names of `audit_records`' columns.
    private static func existingColumns(_ database: SQLiteDatabase) throws(StorageError) -> Set<String> {
        var names: Set<String> = []
        for row in try database.query("PRAGMA table_info(audit_records)") where row.count > 1 {
            if case .text(let name) = row[1] { names.insert(name) }
        }
        return names
    }

    /// The chain head as stored: the last record's or seal's sequence number and hash (a log opened for writing).
    func head() throws(StorageError) -> AuditChain {
        let rows = try database.query(
            """
            SELECT seq, hash FROM (SELECT seq, hash FROM audit_records UNION ALL SELECT seq, hash FROM audit_seals)
            ORDER BY seq DESC LIMIT 1
            """)
        guard let row = rows.first, case .integer(let seq) = row[0], case .text(let hash) = row[1] else {
            return AuditChain()
        }
        return AuditChain(lastSeq: seq, headHash: hash)
    }

    /// The last checkpoint stored, if any.
    func lastCheckpoint() throws(AuditError) -> AuditCheckpoint? {
        try checkpoints(where: "seq = (SELECT MAX(seq) FROM audit_checkpoints)").first
    }

    /// Checkpoints matching a SQL condition, in sequence order; none if the table does not exist (a log written
    /// before checkpoints).
    func checkpoints(where condition: String = "1=1", _ bindings: [SQLiteValue] = []) throws(AuditError)
        -> [AuditCheckpoint]
    {
        let rows: [[SQLiteValue]]
        do {
            let exists = try database.query(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_checkpoints'")
            guard !exists.isEmpty else { return [] }
            rows = try database.query(
                "SELECT seq, hash, time, node, protected, signature FROM audit_checkpoints WHERE \(condition) ORDER BY seq",
                bindings)
        } catch {
            throw AuditError(code: .storage, detail: "reading audit checkpoints failed (\(error.code))")
        }
        var checkpoints: [AuditCheckpoint] = []
        for row in rows {
            guard row.count == 6, case .integer(let seq) = row[0], case .text(let hash) = row[1],
                case .text(let time) = row[2], case .text(let node) = row[3], case .text(let protected) = row[4],
                case .text(let signature) = row[5]
            else { throw AuditError(code: .corrupt, detail: "an audit checkpoint row has the wrong column types") }
            checkpoints.append(
                AuditCheckpoint(
                    seq: seq, hash: hash, time: time, node: node,
                    signature: JWSSignature(protected: protected, signature: signature)))
        }
        return checkpoints
    }

    /// The first and last sequence numbers of records made in `[from, to)`, if any.
    func seqRange(from: String, to: String) throws(AuditError) -> ClosedRange<Int64>? {
        do {
            let rows = try database.query(
                "SELECT MIN(seq), MAX(seq) FROM audit_records WHERE recorded_at >= ?1 AND recorded_at < ?2",
                [.text(from), .text(to)])
            guard let row = rows.first, case .integer(let low) = row[0], case .integer(let high) = row[1] else {
                return nil
            }
            return low...high
        } catch {
            throw AuditError(code: .storage, detail: "reading audit records failed (\(error.code))")
        }
    }

    /// Calls `body` with each record matching a SQL condition, in sequence order, one row at a time; stops when
    /// `body` returns `false`.
    func forEachRecord(
        where condition: String = "1=1", _ bindings: [SQLiteValue] = [], _ body: (AuditRecord) -> Bool
    ) throws(AuditError) {
        do {
            let statement = try database.prepare(
                "SELECT \(columns) FROM audit_records WHERE \(condition) ORDER BY seq")
            for (offset, value) in bindings.enumerated() { try statement.bind(value, at: Int32(offset + 1)) }
            while try statement.step() {
                let row = (0..<statement.columnCount).map { statement.value(at: $0) }
                guard let record = Self.record(from: row) else {
                    throw AuditError(code: .corrupt, detail: "an audit row has the wrong column types")
                }
                if !body(record) { return }
            }
        } catch let error as AuditError {
            throw error
        } catch let error as StorageError {
            throw AuditError(code: .storage, detail: "reading audit records failed (\(error.code))")
        } catch {
            throw AuditError(code: .storage, detail: "reading audit records failed")
        }
    }

    /// The lookup keys of the records after sequence number `seq`, in order, at most `limit` (a key that is not
    /// text is `nil`), with each record's hash.
    func lookupEntries(after seq: Int64, limit: Int) throws(StorageError)
        -> [(seq: Int64, requestID: String?, subjectHMAC: String?, hash: String)]
    {
        func text(_ value: SQLiteValue) -> String? { if case .text(let text) = value { text } else { nil } }
        return try database.query(
            "SELECT seq, request_id, subject_hmac, hash FROM audit_records WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            [.integer(seq), .integer(Int64(limit))]
        ).compactMap { row in
            guard case .integer(let seq) = row[0] else { return nil }
            return (seq, text(row[1]), text(row[2]), text(row[3]) ?? "")
        }
    }

    /// The stored hash of record `seq`, if there is one.
    func hash(seq: Int64) throws(StorageError) -> String? {
        guard case .text(let hash) = try database.query("SELECT hash FROM audit_records WHERE seq = ?1", [.integer(seq)])
            .first?.first
        else { return nil }
        return hash
    }

    /// Copies the WAL frames no reader still needs into the database file (passive: waits for nobody); when that is
    /// all of them, the next write transaction starts the WAL from its beginning. A failure changes nothing and is
    /// left to the next checkpoint.
    func finishCheckpoint() {
        _ = try? database.query("PRAGMA wal_checkpoint(PASSIVE)")
    }

    /// Inserts records and, if given, the checkpoint covering them in one transaction (one fsync).
    func insert(_ records: [AuditRecord], checkpoint: AuditCheckpoint? = nil) throws(StorageError) {
        try database.transaction { _ throws(StorageError) in
            for record in records {
                insert.reset()
                let values: [SQLiteValue] = [
                    .integer(record.seq), .text(record.recordedAt), .text(record.requestID), text(record.consumer),
                    text(record.provider), text(record.service), text(record.purpose), text(record.subjectHMAC),
                    .text(record.fields.joined(separator: ",")), .text(record.outcome.rawValue),
                    .integer(Int64(record.status)), text(record.problemCode), .integer(Int64(record.latencyMicroseconds)),
                    text(record.messageSHA256), .text(record.prevHash), .text(record.hash), text(record.requestSHA256),
                    text(record.documentSHA256),
                ]
                for (index, value) in values.enumerated() { try insert.bind(value, at: Int32(index + 1)) }
                _ = try insert.step()
            }
            if let checkpoint { try insertRow(checkpoint) }
        }
    }

    /// Inserts a checkpoint row, inside the caller's transaction.
    func insertRow(_ checkpoint: AuditCheckpoint) throws(StorageError) {
        _ = try database.query(
            """
            INSERT INTO audit_checkpoints (seq, hash, time, node, protected, signature)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            """,
            [
                .integer(checkpoint.seq), .text(checkpoint.hash), .text(checkpoint.time), .text(checkpoint.node),
                .text(checkpoint.signature.protected), .text(checkpoint.signature.signature),
            ])
    }

    /// Records matching a SQL condition, in sequence order.
    func records(where condition: String = "1=1", _ bindings: [SQLiteValue] = []) throws(AuditError) -> [AuditRecord] {
        let rows: [[SQLiteValue]]
        do {
            rows = try database.query("SELECT \(columns) FROM audit_records WHERE \(condition) ORDER BY seq", bindings)
        } catch {
            throw AuditError(code: .storage, detail: "reading audit records failed (\(error.code))")
        }
        var records: [AuditRecord] = []
        records.reserveCapacity(rows.count)
        for row in rows {
            guard let record = Self.record(from: row) else {
                throw AuditError(code: .corrupt, detail: "an audit row has the wrong column types")
            }
            records.append(record)
        }
        return records
    }

    private static func record(from row: [SQLiteValue]) -> AuditRecord? {
        func string(_ index: Int) -> String? { if case .text(let s) = row[index] { s } else { nil } }
        func integer(_ index: Int) -> Int64? { if case .integer(let i) = row[index] { i } else { nil } }
        guard row.count == 18, let seq = integer(0), let recordedAt = string(1), let requestID = string(2),
            let fields = string(8), let outcome = string(9).flatMap(AuditEvent.Outcome.init(rawValue:)),
            let status = integer(10), let latency = integer(12), let prevHash = string(14), let hash = string(15)
        else { return nil }
        return AuditRecord(
            seq: seq, recordedAt: recordedAt, requestID: requestID, consumer: string(3), provider: string(4),
            service: string(5), purpose: string(6), subjectHMAC: string(7),
            fields: fields.isEmpty ? [] : fields.split(separator: ",").map(String.init), outcome: outcome,
            status: Int(status), problemCode: string(11), latencyMicroseconds: Int(latency),
            messageSHA256: string(13), requestSHA256: string(16), documentSHA256: string(17), prevHash: prevHash,
            hash: hash
        )
    }

    private func text(_ value: String?) -> SQLiteValue { value.map { .text($0) } ?? .null }
}
