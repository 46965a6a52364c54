public import Foundation
public import LienthongAudit
public import LienthongTrust

/// The embedded default: the node's state in SQLite files of its data directory (`audit.sqlite`,
/// `replay.sqlite`, `messages.sqlite`, `events.sqlite`) and the attachment files (`messages/`), seen by this node
/// only.
public struct SQLiteNodeStore: NodeStateStore {
    /// The node's data directory.
    public let dataDirectory: URL

    /// The store in `dataDirectory`.
    public init(dataDirectory: URL) {
        self.dataDirectory = dataDirectory
    }

    /// `audit.sqlite` in the data directory.
    public var auditPath: String { dataDirectory.appendingPathComponent("audit.sqlite").path }

    /// The audit log's storage for this node.
    public func openAudit() throws(AuditError) -> any AuditStorage {
        try SQLiteAuditStorage.open(path: auditPath)
    }

    /// The replay window.
    public func openReplay(_ configuration: ReplayWindow.Configuration, now: Date) throws(TrustError)
        -> any ReplayAdmitter
    {
        try ReplayGuard(
            path: dataDirectory.appendingPathComponent("replay.sqlite"), configuration: configuration, now: now)
    }

    /// `messages.sqlite` in the data directory.
    public func openMessageQueue() throws(MessageQueueError) -> any MessageQueue {
        try SQLiteMessageQueue(path: dataDirectory.appendingPathComponent("messages.sqlite"))
    }

    /// The files of `messages/` in the data directory.
    public func openAttachments() throws(MessageQueueError) -> any AttachmentStore {
        try FileAttachmentStore(directory: dataDirectory.appendingPathComponent("messages", isDirectory: true))
    }

    /// `events.sqlite` in the data directory.
    public func openEvents() throws(EventLogError) -> any EventLog {
        try SQLiteEventLog(path: dataDirectory.appendingPathComponent("events.sqlite"))
    }
}
