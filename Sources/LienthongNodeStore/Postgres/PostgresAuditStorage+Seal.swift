public import LienthongAudit
import LienthongStorage

extension PostgresAuditStorage: AuditSealStorage {
    /// The largest sequence number any record, checkpoint or seal of this node's chain uses (0 for none).
    public func highestSeq() throws(AuditError) -> Int64 {
        let rows = try write("reading the highest sequence number") { connection throws(PostgresError) in
            try connection.query(
                """
                SELECT GREATEST(
                    (SELECT MAX(seq) FROM lienthong.audit_records WHERE node_id = $1),
                    (SELECT MAX(seq) FROM lienthong.audit_checkpoints WHERE node_id = $1),
                    (SELECT MAX(seq) FROM lienthong.audit_seals WHERE node_id = $1),
                    (SELECT MAX(last_seq) FROM lienthong.audit_archives WHERE node_id = $1))
                """, [nodeID]
            ).rows
        }
        return rows.first?.first.flatMap { $0.flatMap { Int64($0) } } ?? 0
    }

    /// Stores a seal of this node's chain and the checkpoint signing it in one transaction, committed with
    /// `synchronous_commit` on.
    public func insert(_ seal: AuditSeal, signedBy checkpoint: AuditCheckpoint) throws(AuditError) {
        try write("writing the seal") { connection throws(PostgresError) in
            try connection.execute("BEGIN")
            do throws(PostgresError) {
                try connection.query(
                    """
                    INSERT INTO lienthong.audit_seals (node_id, seq, break_seq, failure, operator, time, node,
                    prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                    """,
                    [
                        nodeID, String(seal.seq), String(seal.breakSeq), seal.failure, seal.operatorName, seal.time,
                        seal.node, seal.prevHash, seal.hash,
                    ])
                try insertCheckpoint(checkpoint, on: connection)
                try connection.execute("COMMIT")
            } catch {
                _ = try? connection.execute("ROLLBACK")
                throw error
            }
        }
    }
}
