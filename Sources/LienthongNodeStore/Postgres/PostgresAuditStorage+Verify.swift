public import LienthongAudit
import LienthongStorage
public import LienthongTrust

extension PostgresAuditStorage {
    /// Verifies every node's chain in the database, offline from the nodes: each node's records in sequence order,
    /// its checkpoints (signatures against `trust`, when given) and its seals, as `audit verify` does for one file.
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
            var verifier = AuditChainVerifier(trust: trust)
            for seal in try seals(of: node, through: query) { verifier.add(seal) }
            for checkpoint in try checkpoints(of: node, where: "TRUE", [], query) { verifier.add(checkpoint) }
            try forEachRecord(of: node, after: 0, { record in
                verifier.add(record)
                return !verifier.hasFailed
            }, query)
            results.append((node, verifier.finish()))
        }
        return results
    }
}
