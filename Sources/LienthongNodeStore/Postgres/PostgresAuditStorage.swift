public import Foundation
public import LienthongAudit
import LienthongStorage
import Synchronization

/// The audit log of several nodes of one agency in one PostgreSQL database: each node appends to its own hash
/// chain (its ``nodeID`` in every record and checkpoint row), so nodes never wait on each other's chain, and the
/// reads (transparency, reports, lookups by request id) see every node's records.
///
/// The writer's session commits with `synchronous_commit = on`, whatever the server's default:
/// ``insert(_:checkpoint:)`` returns once the batch is durable, and the log answers its callers only then.
/// `audit_records` is partitioned by month (``PostgresNodeSchema``). The writer and the readers have a session
/// each, opened again after the server went away.
public final class PostgresAuditStorage: AuditStorage {
    /// The node whose chain this storage writes.
    public let nodeID: String
    let writerSession: PostgresSession
    let readerSession: PostgresSession
    /// Months whose partition exists (created at open or since), so a batch asks for a new one only once.
    private let partitions: Mutex<Set<PostgresNodeSchema.Month>>

    /// How many rows one INSERT statement carries at most (20 parameters a row; PostgreSQL takes 65,535).
    static let rowsPerStatement = 500

    /// Opens the storage of `nodeID`'s chain, creating the tables and this month's and the next two months'
    /// partitions if they are missing.
    /// - Throws: ``AuditError/Code/storage`` if the server cannot be reached or the tables cannot be created.
    public init(conninfo: String, nodeID: String, now: Date = Date()) throws(AuditError) {
        self.nodeID = nodeID
        writerSession = PostgresSession(conninfo: conninfo) { connection throws(PostgresError) in
            try connection.execute("SET synchronous_commit = on; SET application_name = 'lienthong-audit'")
            // One writer per chain: a second process started with the same node id would fork the chain. The lock
            // is the session's, so a node that died (kill -9) frees it as its connection closes.
            let taken = try connection.query(
                "SELECT pg_try_advisory_lock($1::int, hashtext($2))", [String(PostgresNodeSchema.lockKey), nodeID])
            guard taken.rows.first?.first == "t" else {
                throw PostgresError(.query, "another process writes the audit chain of this node id")
            }
        }
        readerSession = PostgresSession(conninfo: conninfo) { connection throws(PostgresError) in
            try connection.execute("SET application_name = 'lienthong-audit-read'")
        }
        let months = PostgresNodeSchema.Month(now).andFollowing(3)
        do {
            try writerSession.run { connection throws(PostgresError) in
                try PostgresNodeSchema.ensure(connection, months: months)
            }
        } catch {
            throw Self.storageError("opening the audit tables", error)
        }
        partitions = Mutex(Set(months))
    }

    /// This node's chain head as stored.
    public func head() throws(AuditError) -> AuditChain {
        let rows = try write("reading the audit head") { connection throws(PostgresError) in
            try connection.query(
                """
                SELECT seq, hash FROM (
                    (SELECT seq, hash FROM lienthong.audit_records WHERE node_id = $1 ORDER BY seq DESC LIMIT 1)
                    UNION ALL (SELECT seq, hash FROM lienthong.audit_seals WHERE node_id = $1)
                ) AS heads ORDER BY seq DESC LIMIT 1
                """, [nodeID]
            ).rows
        }
        guard let row = rows.first, let seq = row[0].flatMap({ Int64($0) }), let hash = row[1] else {
            return AuditChain(nodeID: nodeID)
        }
        return AuditChain(lastSeq: seq, headHash: hash, nodeID: nodeID)
    }

    /// This node's last checkpoint, if any.
    public func lastCheckpoint() throws(AuditError) -> AuditCheckpoint? {
        try checkpoints(where: "seq = (SELECT MAX(seq) FROM lienthong.audit_checkpoints WHERE node_id = $1)").last
    }

    /// Stores a batch and its checkpoint in one transaction; durable when this returns.
    public func insert(_ records: [AuditRecord], checkpoint: AuditCheckpoint?) throws(AuditError) {
        let months = Set(records.compactMap { PostgresNodeSchema.Month($0.recordedAt) })
        let missing = partitions.withLock { months.subtracting($0) }
        try write("writing audit records") { connection throws(PostgresError) in
            if !missing.isEmpty {
                try PostgresNodeSchema.ensurePartitions(connection, months: missing.sorted())
            }
            try connection.execute("BEGIN")
            do throws(PostgresError) {
                var start = 0
                while start < records.count {
                    let chunk = records[start..<min(start + Self.rowsPerStatement, records.count)]
                    try connection.query(Self.insertStatement(rows: chunk.count), chunk.flatMap(parameters))
                    start += chunk.count
                }
                if let checkpoint { try insertCheckpoint(checkpoint, on: connection) }
                try connection.execute("COMMIT")
            } catch {
                _ = try? connection.execute("ROLLBACK")
                throw error
            }
        }
        if !missing.isEmpty { partitions.withLock { $0.formUnion(missing) } }
    }

    /// Adds a checkpoint row of this node's chain, within the caller's transaction.
    func insertCheckpoint(_ checkpoint: AuditCheckpoint, on connection: PostgresConnection) throws(PostgresError) {
        try connection.query(
            """
            INSERT INTO lienthong.audit_checkpoints (node_id, seq, hash, time, node, protected, signature)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            [
                nodeID, String(checkpoint.seq), checkpoint.hash, checkpoint.time, checkpoint.node,
                checkpoint.signature.protected, checkpoint.signature.signature,
            ])
    }

    /// This node's seals, in order.
    public func seals() throws(AuditError) -> [AuditSeal] {
        try Self.seals(of: nodeID, through: { (sql, parameters) throws(AuditError) in
            try read("reading audit seals") { connection throws(PostgresError) in
                try connection.query(sql, parameters).rows
            }
        })
    }

    /// This node's checkpoints after `seq`, in order.
    public func checkpoints(after seq: Int64) throws(AuditError) -> [AuditCheckpoint] {
        try checkpoints(where: "seq > $2", [String(seq)])
    }

    /// The hash of this node's record `seq`, if any.
    public func hash(seq: Int64) throws(AuditError) -> String? {
        try read("reading audit record \(seq)") { connection throws(PostgresError) in
            try connection.query(
                "SELECT hash FROM lienthong.audit_records WHERE node_id = $1 AND seq = $2", [nodeID, String(seq)]
            ).rows.first?.first ?? nil
        }
    }

    /// Calls `body` with this node's records after `seq`, in order, until it returns `false`.
    public func forEachRecord(after seq: Int64, _ body: (AuditRecord) -> Bool) throws(AuditError) {
        try Self.forEachRecord(of: nodeID, after: seq, body) { (sql, parameters) throws(AuditError) in
            try read("reading audit records") { connection throws(PostgresError) in
                try connection.query(sql, parameters).rows
            }
        }
    }

    /// The records of a request id, oldest first.
    public func records(requestID: String) throws(AuditError) -> [AuditRecord] {
        try records(where: "request_id = $1", [requestID])
    }

    /// The records about a subject's keyed hash (with `outcome`, if given), oldest first.
    public func records(subjectHMAC: String, outcome: AuditEvent.Outcome?) throws(AuditError) -> [AuditRecord] {
        guard let outcome else { return try records(where: "subject_hmac = $1", [subjectHMAC]) }
        return try records(where: "subject_hmac = $1 AND outcome = $2", [subjectHMAC, outcome.rawValue])
    }

    /// The records made in `[from, to)`, oldest first.
    public func records(from: Date, to: Date) throws(AuditError) -> [AuditRecord] {
        // The partition key narrows the scan to the months concerned; `recorded_at` is what the records say.
        try records(
            where: "recorded_time >= $1::timestamptz AND recorded_time < $2::timestamptz",
            [Self.timestamp(from), Self.timestamp(to)])
    }

    /// This node's last archived and detached element, if a month of its chain was detached.
    public func archivedHead() throws(AuditError) -> (seq: Int64, hash: String)? {
        try Self.archivedHead(of: nodeID) { (sql, parameters) throws(AuditError) in
            try read("reading the archived head") { connection throws(PostgresError) in
                try connection.query(sql, parameters).rows
            }
        }
    }

    /// Brings the lookup index up to date now.
    public func indexLookups() throws(AuditError) {}

    /// Stops background work and closes connections.
    public func close() {
        writerSession.close { connection in _ = try? connection.query("SELECT pg_advisory_unlock_all()") }
        readerSession.close()
    }
}
