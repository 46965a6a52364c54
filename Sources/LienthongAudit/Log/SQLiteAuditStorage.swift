public import Foundation
import LienthongStorage

/// The embedded ``AuditStorage``: one node's log in an SQLite file, with its lookup index in a companion file kept
/// by an ``AuditIndexer`` thread. Reads open their own read-only connection, so they never wait on the writer.
public final class SQLiteAuditStorage: AuditStorage, @unchecked Sendable {
    // @unchecked: `store` is used by the writer thread only; `indexer` is thread-safe; `path` is immutable.
    private let store: AuditStore
    /// Internal for tests, which run its checkpoint at a chosen moment.
    let indexer: AuditIndexer
    /// The database file.
    public let path: String

    /// Opens or creates the log at `path` and starts its indexer.
    init(path: String) throws(StorageError) {
        store = try AuditStore(path: path)
        indexer = try AuditIndexer(logPath: path)
        self.path = path
    }

    /// Opens or creates the log at `path` and starts its indexer.
    /// - Throws: ``AuditError/Code/storage`` if the database cannot be opened.
    public static func open(path: String) throws(AuditError) -> SQLiteAuditStorage {
        do {
            return try SQLiteAuditStorage(path: path)
        } catch {
            throw AuditError(code: .storage, detail: "cannot open the audit log (\(error.code))")
        }
    }

    /// This node's chain head as stored.
    public func head() throws(AuditError) -> AuditChain {
        do {
            return try store.head()
        } catch {
            throw AuditError(code: .storage, detail: "reading the audit head failed (\(error.code))")
        }
    }

    /// This node's last checkpoint, if any, through a read-only connection of its own (other threads ask too).
    public func lastCheckpoint() throws(AuditError) -> AuditCheckpoint? {
        try AuditLog.openReader(path).lastCheckpoint()
    }

    /// Stores a batch and its checkpoint in one transaction; durable when this returns.
    public func insert(_ records: [AuditRecord], checkpoint: AuditCheckpoint?) throws(AuditError) {
        // Once a second, after the indexer's checkpoint: copy what it could not, so that this commit starts the WAL
        // again instead of growing it (see ``AuditIndexer``).
        if indexer.takeCheckpointRequest() { store.finishCheckpoint() }
        do {
            try store.insert(records, checkpoint: checkpoint)
        } catch {
            throw AuditError(code: .storage, detail: "writing audit records failed (\(error.code))")
        }
    }

    /// This node's seals, in order.
    public func seals() throws(AuditError) -> [AuditSeal] { try store.seals() }

    /// This node's checkpoints after `seq`, in order.
    public func checkpoints(after seq: Int64) throws(AuditError) -> [AuditCheckpoint] {
        try store.checkpoints(after: seq)
    }

    /// The hash of this node's record `seq`, if any.
    public func hash(seq: Int64) throws(AuditError) -> String? { try store.hash(auditSeq: seq) }

    /// Calls `body` with this node's records after `seq`, in order, until it returns `false`.
    public func forEachRecord(after seq: Int64, _ body: (AuditRecord) -> Bool) throws(AuditError) {
        try store.forEachRecord(after: seq, body)
    }

    /// The records of a request id, oldest first.
    public func records(requestID: String) throws(AuditError) -> [AuditRecord] {
        try AuditLog.lookUp(path, .requestID, requestID)
    }

    /// The records about a subject's keyed hash (with `outcome`, if given), oldest first.
    public func records(subjectHMAC: String, outcome: AuditEvent.Outcome?) throws(AuditError) -> [AuditRecord] {
        try AuditLog.lookUp(path, .subject, subjectHMAC, outcome: outcome)
    }

    /// The records made in `[from, to)`, oldest first.
    public func records(from: Date, to: Date) throws(AuditError) -> [AuditRecord] {
        try AuditLog.records(path: path, from: from, to: to)
    }

    /// Brings the lookup index up to date now.
    public func indexLookups() throws(AuditError) {
        do {
            try indexer.catchUp()
        } catch {
            throw AuditError(code: .storage, detail: "updating the audit lookup index failed (\(error.code))")
        }
    }

    /// Stops background work and closes connections.
    public func close() {
        indexer.close()
    }
}
