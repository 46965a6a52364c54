public import LienthongAudit
import LienthongStorage
public import LienthongTrust

extension PostgresAuditStorage {
    /// Verifies every node's chain in the database, offline from the nodes: each node's records in sequence order,
    /// its checkpoints (signatures against `trust`, when given) and its seals, as `audit verify` does for one file.
    /// A chain whose first months were archived and detached (``PostgresAuditArchive``) is checked from its
    /// archived head on; the archive itself is checked with `audit verify` on its file.
    /// - Returns: each node's result, by node id in order.
    /// - Throws: ``AuditError/Code/storage`` if the database cannot be read.
    public static func verifyAll(conninfo: String, trust: CertificateVerifier?) throws(AuditError)
        -> [(nodeID: String, verification: AuditVerification)]
    {
        let session = PostgresSession(conninfo: conninfo)
        defer { session.close() }
        func query(_ sql: String, _ parameters: [String?]) throws(AuditError) -> [[String?]] {
            do {
                return try session.run { connection throws(PostgresError) in
                    try connection.query(sql, parameters).rows
                }
            } catch {
                throw storageError("reading the audit log", error)
            }
        }
        let nodes = try query(
            """
            SELECT node_id FROM lienthong.audit_records UNION SELECT node_id FROM lienthong.audit_checkpoints
            UNION SELECT node_id FROM lienthong.audit_seals ORDER BY 1
            """, []
        ).compactMap { $0.first ?? nil }
        var results: [(nodeID: String, verification: AuditVerification)] = []
        for node in nodes {
            var from: Int64 = 0
            var verifier = AuditChainVerifier(trust: trust)
            if let head = try archivedHead(of: node, query) {
                from = head.seq
                verifier = AuditChainVerifier(trust: trust, start: .after(seq: head.seq, hash: head.hash))
            }
            for seal in try seals(of: node, through: query) where seal.seq > from { verifier.add(seal) }
            for checkpoint in try checkpoints(of: node, where: "seq > $2", [String(from)], query) {
                verifier.add(checkpoint)
            }
            try forEachRecord(of: node, after: from, { record in
                verifier.add(record)
                return !verifier.hasFailed
            }, query)
            results.append((node, verifier.finish()))
        }
        return results
    }

    /// A node's last archived and detached element (``PostgresAuditArchive``), through `query`; `nil` if none.
    static func archivedHead(
        of node: String, _ query: (String, [String?]) throws(AuditError) -> [[String?]]
    ) throws(AuditError) -> (seq: Int64, hash: String)? {
        // The table exists once a month was detached.
        guard try query("SELECT to_regclass('lienthong.audit_archives') IS NOT NULL", []).first?.first == "t",
            let head = try query(
                "SELECT last_seq, last_hash FROM lienthong.audit_archives WHERE node_id = $1 ORDER BY last_seq DESC",
                [node]
            ).first, let seq = head[0].flatMap({ Int64($0) }), let hash = head[1]
        else { return nil }
        return (seq, hash)
    }
}
