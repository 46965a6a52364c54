public import Foundation
public import LienthongAudit
public import LienthongTrust

/// Where a node keeps its state: its audit chain (with the records of every node sharing the store), the replay
/// window, the message bus (the queue of documents and their attachments' bytes) and the change events. One engine
/// per folder: ``SQLiteNodeStore`` (embedded, the node's own files) and ``PostgresNodeStore`` (shared by the nodes
/// of one agency behind a load balancer).
public protocol NodeStateStore: Sendable {
    /// The storage of this node's audit log; the caller opens an `AuditLog` on it.
    /// - Throws: ``AuditError/Code/storage`` if the store cannot be opened.
    func openAudit() throws(AuditError) -> any AuditStorage

    /// The replay window, with the ids that have not expired at `now`.
    /// - Throws: ``TrustError/Code/replayStore`` if the store cannot be opened.
    func openReplay(_ configuration: ReplayWindow.Configuration, now: Date) throws(TrustError) -> any ReplayAdmitter

    /// The durable queue of documents between agencies.
    /// - Throws: ``MessageQueueError/Code/storage`` if the store cannot be opened.
    func openMessageQueue() throws(MessageQueueError) -> any MessageQueue

    /// Where the documents' attachment bytes live; uploads a crash cut short are removed.
    /// - Throws: ``MessageQueueError/Code/storage`` if the store cannot be opened.
    func openAttachments() throws(MessageQueueError) -> any AttachmentStore

    /// The change events published, with each registry's detection state and the subscriptions.
    /// - Throws: ``EventLogError/Code/storage`` if the store cannot be opened.
    func openEvents() throws(EventLogError) -> any EventLog
}
