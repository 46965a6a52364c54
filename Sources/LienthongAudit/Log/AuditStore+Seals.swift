import LienthongStorage

extension AuditStore {
    /// Every seal, in sequence order; none if the table does not exist (a log written before seals).
    func seals() throws(AuditError) -> [AuditSeal] {
        let rows: [[SQLiteValue]]
        do {
            let exists = try database.query(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_seals'")
            guard !exists.isEmpty else { return [] }
            rows = try database.query(
                "SELECT seq, break_seq, failure, operator, time, node, prev_hash, hash FROM audit_seals ORDER BY seq")
        } catch {
            throw AuditError(code: .storage, detail: "reading audit seals failed (\(error.code))")
        }
        return try rows.map { row throws(AuditError) in
            guard row.count == 8, case .integer(let seq) = row[0], case .integer(let breakSeq) = row[1],
                case .text(let failure) = row[2], case .text(let name) = row[3], case .text(let time) = row[4],
                case .text(let node) = row[5], case .text(let prevHash) = row[6], case .text(let hash) = row[7]
            else { throw AuditError(code: .corrupt, detail: "an audit seal row has the wrong column types") }
            var seal = AuditSeal(
                seq: seq, breakSeq: breakSeq, failure: failure, operatorName: name, time: time, node: node,
                prevHash: prevHash)
            // Keep the stored hash: the verifier checks it against the content and the signing checkpoint.
            seal.hash = hash
            return seal
        }
    }

    /// The stored RFC 3161 tokens by checkpoint sequence number; none if the table does not exist.
    func timestamps() throws(AuditError) -> [Int64: [UInt8]] {
        do {
            let exists = try database.query(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_timestamps'")
            guard !exists.isEmpty else { return [:] }
            var tokens: [Int64: [UInt8]] = [:]
            for row in try database.query("SELECT seq, token FROM audit_timestamps") {
                guard case .integer(let seq) = row[0], case .blob(let token) = row[1] else {
                    throw AuditError(code: .corrupt, detail: "an audit time stamp row has the wrong column types")
                }
                tokens[seq] = token
            }
            return tokens
        } catch let error as AuditError {
            throw error
        } catch {
            throw AuditError(code: .storage, detail: "reading audit time stamps failed")
        }
    }

    /// The largest sequence number any record, checkpoint or seal uses (0 for an empty log).
    func highestSeq() throws(AuditError) -> Int64 {
        let rows: [[SQLiteValue]]
        do {
            rows = try database.query(
                """
                SELECT MAX(seq) FROM (SELECT MAX(seq) AS seq FROM audit_records UNION ALL
                SELECT MAX(seq) FROM audit_checkpoints UNION ALL SELECT MAX(seq) FROM audit_seals)
                """)
        } catch {
            throw AuditError(code: .storage, detail: "reading the audit log failed (\(error.code))")
        }
        guard case .integer(let seq) = rows.first?.first else { return 0 }
        return seq
    }

    /// The head's hash.
    func headHash() throws(AuditError) -> String {
        do {
            return try head().headHash
        } catch {
            throw AuditError(code: .storage, detail: "reading the audit head failed (\(error.code))")
        }
    }

    /// Stores a seal and the checkpoint signing it in one transaction.
    func insert(_ seal: AuditSeal, signedBy checkpoint: AuditCheckpoint) throws(AuditError) {
        do {
            try insertSeal(seal, signedBy: checkpoint)
        } catch {
            throw AuditError(code: .storage, detail: "writing the seal failed (\(error.code))")
        }
    }

    private func insertSeal(_ seal: AuditSeal, signedBy checkpoint: AuditCheckpoint) throws(StorageError) {
        try database.transaction { _ throws(StorageError) in
            _ = try database.query(
                """
                INSERT INTO audit_seals (seq, break_seq, failure, operator, time, node, prev_hash, hash)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                """,
                [
                    .integer(seal.seq), .integer(seal.breakSeq), .text(seal.failure), .text(seal.operatorName),
                    .text(seal.time), .text(seal.node), .text(seal.prevHash), .text(seal.hash),
                ])
            try insertRow(checkpoint)
        }
    }
}

extension AuditStore {
    /// Checkpoints after sequence number `seq`, in order.
    func checkpoints(after seq: Int64) throws(AuditError) -> [AuditCheckpoint] {
        try checkpoints(where: "seq > ?1", [.integer(seq)])
    }

    /// The stored hash of record `seq`, as an ``AuditError`` on failure.
    func hash(auditSeq seq: Int64) throws(AuditError) -> String? {
        do {
            return try hash(seq: seq)
        } catch {
            throw AuditError(code: .storage, detail: "reading audit record \(seq) failed (\(error.code))")
        }
    }
}
