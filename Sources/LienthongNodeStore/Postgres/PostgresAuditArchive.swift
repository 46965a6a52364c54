public import Foundation
public import LienthongAudit
import LienthongStorage

/// A past month of the shared audit log, archived and then taken out of the database: `audit export --month` on
/// PostgreSQL.
///
/// The archive is an ``AuditExport`` of several chains: for each node with records in the month, a chain line,
/// then its records of the month with its checkpoints and seals among them (``AuditExport/writeChain``). When the
/// node's last record of the month has no checkpoint of its own, the archive ends the chain with one signed now by
/// the exporting agency's key, so every record in it is covered by a signature. ``detach(conninfo:month:chains:now:)``
/// then detaches and drops the month's partition, after checking that it holds exactly what was archived and that
/// no earlier month is left, and remembers each chain's archived head in `audit_archives` so `audit verify`
/// continues from it.
public enum PostgresAuditArchive {
    /// What an archive holds of one node's chain.
    public struct Chain: Sendable, Hashable {
        /// The node.
        public var nodeID: String
        /// How many records of the month.
        public var records: Int
        /// Its last record of the month.
        public var lastSeq: Int64
        /// That record's hash.
        public var lastHash: String
    }

    /// Writes the archive of `month` through `emit`, one line at a time.
    /// - Parameters:
    ///   - signer: signs the closing checkpoint of a chain whose last record has none.
    ///   - now: refuses the current month and later ones (still being written).
    /// - Returns: each node's chain as written, by node id in order.
    /// - Throws: ``AuditError/Code/storage`` if the database cannot be read or the month is not over;
    ///   ``AuditError/Code/checkpoint`` if signing fails.
    public static func export(
        conninfo: String, month: AuditMonth, signer: AuditCheckpointSigner, now: Date = Date(),
        _ emit: (String) -> Void
    ) throws(AuditError) -> [Chain] {
        let partition = try pastPartition(month, now: now)
        let session = PostgresSession(conninfo: conninfo)
        defer { session.close() }
        let query = queries(session)
        let spans = try query(
            """
            SELECT node_id, count(*), min(seq), max(seq) FROM lienthong.\(partition.partition)
            GROUP BY node_id ORDER BY node_id
            """, [])
        var chains: [Chain] = []
        for span in spans {
            guard span.count == 4, let node = span[0], let count = span[1].flatMap({ Int($0) }),
                let first = span[2].flatMap({ Int64($0) }),
                let last = span[3].flatMap({ Int64($0) })
            else { throw AuditError(code: .corrupt, detail: "an audit partition row has the wrong column types") }
            emit(AuditExport.chainLine(nodeID: node))
            let checkpoints = try PostgresAuditStorage.checkpoints(
                of: node, where: "seq BETWEEN $2 AND $3", [String(first), String(last)], query)
            let seals = try PostgresAuditStorage.seals(of: node, through: query)
                .filter { $0.seq > first && $0.seq < last }
            let counts = try AuditExport.writeChain(
                checkpoints: checkpoints, seals: seals,
                records: { (body: (AuditRecord) -> Bool) throws(AuditError) in
                    try PostgresAuditStorage.forEachRecord(
                        of: node, after: first - 1, { record in record.seq <= last && body(record) }, query)
                }, emit)
            guard let head = counts.last, head.seq == last, counts.records == count else {
                throw AuditError(code: .corrupt, detail: "node \(node)'s records of \(month) are not one run")
            }
            if checkpoints.last?.seq != last {
                emit(AuditExport.line(try signer.sign(seq: head.seq, hash: head.hash, at: now).json))
            }
            chains.append(Chain(nodeID: node, records: counts.records, lastSeq: head.seq, lastHash: head.hash))
        }
        return chains
    }

    /// Detaches and drops `month`'s partition, in one transaction that first checks it holds exactly `chains` (the
    /// archive's, already written and verified by the caller) and records each chain's archived head.
    /// - Throws: ``AuditError/Code/storage`` if the month is not over, the partition differs from the archive
    ///   (nothing is dropped) or the database fails.
    public static func detach(conninfo: String, month: AuditMonth, chains: [Chain], now: Date = Date())
        throws(AuditError)
    {
        let partition = try pastPartition(month, now: now)
        let session = PostgresSession(conninfo: conninfo)
        defer { session.close() }
        do {
            try session.run { connection throws(PostgresError) in
                // `audit_archives` comes with the tables of a node of this version; the store may be older.
                try PostgresNodeSchema.ensure(connection, months: [])
                try connection.execute(
                    "BEGIN; LOCK TABLE lienthong.\(partition.partition) IN ACCESS EXCLUSIVE MODE")
                do throws(PostgresError) {
                    // The database keeps a suffix of each chain: `audit verify` continues from the archived head.
                    let earlier = try connection.query(
                        "SELECT EXISTS (SELECT 1 FROM lienthong.audit_records WHERE recorded_time < $1::timestamptz)",
                        [partition.start])
                    guard earlier.rows.first?.first == "f" else {
                        throw PostgresError(.query, "an earlier month is still in the database: detach it first")
                    }
                    let rows = try connection.query(
                        """
                        SELECT p.node_id, count(*), max(p.seq), max(p.hash) FILTER (WHERE p.seq = m.last)
                        FROM lienthong.\(partition.partition) p
                        JOIN (SELECT node_id, max(seq) AS last FROM lienthong.\(partition.partition) GROUP BY node_id) m
                        USING (node_id) GROUP BY p.node_id ORDER BY p.node_id
                        """
                    ).rows
                    let found = rows.map { row in
                        Chain(
                            nodeID: row[0] ?? "", records: Int(row[1] ?? "") ?? -1,
                            lastSeq: Int64(row[2] ?? "") ?? -1, lastHash: row[3] ?? "")
                    }
                    guard found == chains.sorted(by: { $0.nodeID < $1.nodeID }) else {
                        throw PostgresError(.query, "the partition does not hold what the archive holds")
                    }
                    for chain in chains {
                        try connection.query(
                            """
                            INSERT INTO lienthong.audit_archives (node_id, month, records, last_seq, last_hash)
                            VALUES ($1, $2, $3, $4, $5)
                            """,
                            [
                                chain.nodeID, month.description, String(chain.records), String(chain.lastSeq),
                                chain.lastHash,
                            ])
                    }
                    try connection.execute(
                        """
                        ALTER TABLE lienthong.audit_records DETACH PARTITION lienthong.\(partition.partition);
                        DROP TABLE lienthong.\(partition.partition);
                        COMMIT
                        """)
                } catch {
                    _ = try? connection.execute("ROLLBACK")
                    throw error
                }
            }
        } catch {
            throw PostgresAuditStorage.storageError("detaching \(partition.partition)", error)
        }
    }

    /// The partition of `month`, refused unless the month is over at `now` (its partition is still written).
    private static func pastPartition(_ month: AuditMonth, now: Date) throws(AuditError) -> PostgresNodeSchema.Month {
        let partition = PostgresNodeSchema.Month(month.start)
        guard partition < PostgresNodeSchema.Month(now) else {
            throw AuditError(
                code: .storage, detail: "\(month) is not over: only a past month is archived and detached")
        }
        return partition
    }

    /// Runs one statement at a time on `session`, as the storage's static readers expect.
    private static func queries(_ session: PostgresSession) -> (String, [String?]) throws(AuditError) -> [[String?]] {
        { (sql, parameters) throws(AuditError) in
            do throws(PostgresError) {
                return try session.run { connection throws(PostgresError) in
                    try connection.query(sql, parameters).rows
                }
            } catch {
                throw PostgresAuditStorage.storageError("reading the audit log", error)
            }
        }
    }
}
