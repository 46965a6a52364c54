public import Foundation

/// Where an ``AuditLog`` keeps its node's chain, and reads the records of every node that shares the store.
///
/// The embedded default is one SQLite file per node (``SQLiteAuditStorage``); a store shared by several nodes of
/// one agency keeps one chain per node, each record naming its node (``AuditChain/nodeID``). The chain members
/// (``head()`` to ``insert(_:checkpoint:)``) are called by the log's writer thread only; the reads may come from
/// any thread.
public protocol AuditStorage: Sendable {
    /// This node's chain head as stored (an empty chain for a new node); after a failed insert the writer asks
    /// again, since a commit whose answer was lost may have taken place.
    func head() throws(AuditError) -> AuditChain
    /// This node's last checkpoint, if any.
    func lastCheckpoint() throws(AuditError) -> AuditCheckpoint?
    /// Stores records of this node's chain and, if given, the checkpoint covering them, durably and together:
    /// when this returns, they are committed.
    func insert(_ records: [AuditRecord], checkpoint: AuditCheckpoint?) throws(AuditError)
    /// This node's seals, in sequence order.
    func seals() throws(AuditError) -> [AuditSeal]
    /// This node's checkpoints after sequence number `seq`, in order.
    func checkpoints(after seq: Int64) throws(AuditError) -> [AuditCheckpoint]
    /// The hash of this node's record `seq`, if there is one.
    func hash(seq: Int64) throws(AuditError) -> String?
    /// Calls `body` with this node's records after `seq`, in order, until it returns `false`.
    func forEachRecord(after seq: Int64, _ body: (AuditRecord) -> Bool) throws(AuditError)
    /// The last element of this node's chain that was archived and taken out of the store (a detached month), or
    /// `nil` when the store holds the chain from its start; the start check continues from it.
    func archivedHead() throws(AuditError) -> (seq: Int64, hash: String)?

    /// Every node's records for a request id, oldest first.
    func records(requestID: String) throws(AuditError) -> [AuditRecord]
    /// Every node's records about a subject (its keyed hash), with `outcome` if given, oldest first.
    func records(subjectHMAC: String, outcome: AuditEvent.Outcome?) throws(AuditError) -> [AuditRecord]
    /// Every node's records made in `[from, to)`, oldest first.
    func records(from: Date, to: Date) throws(AuditError) -> [AuditRecord]
    /// Brings lookup indexes kept off the commit path up to date now (nothing for a store without them).
    func indexLookups() throws(AuditError)
    /// Stops background work and lets go of connections; called once the writer stopped.
    func close()
}

extension AuditStorage {
    /// `nil`: a store that never takes records out holds the chain from its start.
    public func archivedHead() throws(AuditError) -> (seq: Int64, hash: String)? { nil }
}
