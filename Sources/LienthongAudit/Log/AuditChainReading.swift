/// What the start check reads of one node's chain: the SQLite store of `audit seal` and any ``AuditStorage``.
protocol AuditChainReading {
    func seals() throws(AuditError) -> [AuditSeal]
    func checkpoints(after seq: Int64) throws(AuditError) -> [AuditCheckpoint]
    func hash(auditSeq seq: Int64) throws(AuditError) -> String?
    func forEachRecord(after seq: Int64, _ body: (AuditRecord) -> Bool) throws(AuditError)
    func archivedHead() throws(AuditError) -> (seq: Int64, hash: String)?
}

extension AuditStore: AuditChainReading {
    /// `nil`: an SQLite log keeps its whole chain.
    func archivedHead() throws(AuditError) -> (seq: Int64, hash: String)? { nil }

    func forEachRecord(after seq: Int64, _ body: (AuditRecord) -> Bool) throws(AuditError) {
        try forEachRecord(where: "seq > ?1", [.integer(seq)], body)
    }
}

/// An ``AuditStorage`` read by the start check.
struct AuditStorageChain: AuditChainReading {
    let storage: any AuditStorage

    func seals() throws(AuditError) -> [AuditSeal] { try storage.seals() }
    func checkpoints(after seq: Int64) throws(AuditError) -> [AuditCheckpoint] { try storage.checkpoints(after: seq) }
    func hash(auditSeq seq: Int64) throws(AuditError) -> String? { try storage.hash(seq: seq) }
    func forEachRecord(after seq: Int64, _ body: (AuditRecord) -> Bool) throws(AuditError) {
        try storage.forEachRecord(after: seq, body)
    }
    func archivedHead() throws(AuditError) -> (seq: Int64, hash: String)? { try storage.archivedHead() }
}
