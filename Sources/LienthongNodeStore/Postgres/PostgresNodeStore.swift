public import Foundation
public import LienthongAudit
import LienthongStorage
public import LienthongTrust

/// The node's state in a PostgreSQL database that every node of one agency shares: one audit chain per node
/// (``PostgresAuditStorage``), one replay window for all (``PostgresReplayGuard``), one message bus for all
/// (``PostgresMessageQueue``, ``PostgresAttachmentStore``) and one log of change events (``PostgresEventLog``).
public struct PostgresNodeStore: NodeStateStore {
    /// The libpq connection string, placeholders filled.
    let conninfo: String
    /// This node's id in the shared store.
    public let nodeID: String
    /// How many connections the replay window uses at most.
    public var replayConnections = 8

    /// A store on `conninfo` for node `nodeID`; nothing connects until a part is opened.
    public init(conninfo: String, nodeID: String) {
        self.conninfo = conninfo
        self.nodeID = nodeID
    }

    /// The audit log's storage for this node.
    public func openAudit() throws(AuditError) -> any AuditStorage {
        try PostgresAuditStorage(conninfo: conninfo, nodeID: nodeID)
    }

    /// The replay window.
    public func openReplay(_ configuration: ReplayWindow.Configuration, now: Date) throws(TrustError)
        -> any ReplayAdmitter
    {
        // The tables are made once, before any admission.
        try PostgresNodeSchema.ensure(conninfo: conninfo, now: now) { error in
            TrustError(.replayStore, "replay window in PostgreSQL: \(error.code.wireCode)")
        }
        // Admissions run on the request's loop, through that loop's own nonblocking connections.
        let pool = PostgresConnectionPool(
            .init(
                conninfo: conninfo, maximumConnections: replayConnections, connectTimeout: .seconds(2),
                checkoutTimeout: .seconds(2), onEventLoops: true))
        return PostgresReplayGuard(pool: pool, configuration: configuration)
    }

    /// The message queue every node of the agency shares, this node's worker claiming under ``nodeID``.
    public func openMessageQueue() throws(MessageQueueError) -> any MessageQueue {
        try PostgresMessageQueue(conninfo: conninfo, nodeID: nodeID)
    }

    /// The attachment bytes every node of the agency shares (its tables are made by ``openMessageQueue()``).
    public func openAttachments() throws(MessageQueueError) -> any AttachmentStore {
        try PostgresAttachmentStore(conninfo: conninfo)
    }

    /// The change events every node of the agency shares: one sequence per registry, whichever node detected.
    public func openEvents() throws(EventLogError) -> any EventLog {
        try PostgresEventLog(conninfo: conninfo)
    }
}
