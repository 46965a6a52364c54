/// Where the bytes of documents' attachments live, named by their content (base64url SHA-256), so a resent or
/// forwarded attachment is stored once. One engine per type: ``FileAttachmentStore`` in the node's data directory,
/// ``PostgresAttachmentStore`` shared by the nodes of one agency.
///
/// Bytes go in through a sink while a request uploads them, and come out through a source a piece at a time: no
/// attachment is ever held whole in memory. The sink and the lookups may wait on the network (PostgreSQL) without
/// holding the caller's thread; a source reads synchronously, as libcurl's read callback needs.
public protocol AttachmentStore: Sendable {
    /// A new, unnamed place for the bytes of one attachment as they arrive.
    func begin() throws(MessageQueueError) -> any AttachmentSink

    /// A place for the bytes of an attachment declared to hash to `sha256`: a store that holds those bytes already
    /// may keep nothing of the new ones (the caller still hashes them and refuses them if they differ).
    func begin(expecting sha256: String) throws(MessageQueueError) -> any AttachmentSink

    /// Whether the bytes named `sha256` are stored.
    func contains(sha256: String) async throws(MessageQueueError) -> Bool

    /// The bytes named `sha256`, to read piece by piece; `nil` when none are stored under that name.
    func open(sha256: String) throws(MessageQueueError) -> (any AttachmentSource)?

    /// Names each finished upload of this store by its hash (which the caller computed), durably when it returns;
    /// the store may share its syncs among them and with other sends. Each sink is then kept or discarded.
    func commit(_ uploads: [(sink: any AttachmentSink, sha256: String)]) async throws(MessageQueueError)
}

extension AttachmentStore {
    /// A new upload, whatever the store holds.
    public func begin(expecting sha256: String) throws(MessageQueueError) -> any AttachmentSink { try begin() }

    /// One upload after the other, each with its own commit.
    public func commit(_ uploads: [(sink: any AttachmentSink, sha256: String)]) async throws(MessageQueueError) {
        for (sink, sha256) in uploads { try await sink.commit(sha256: sha256) }
    }
}

/// The bytes of one attachment while they arrive: written, made durable, then named by their hash (or thrown away).
public protocol AttachmentSink: AnyObject {
    /// Appends `bytes`.
    func write(_ bytes: [UInt8]) async throws(MessageQueueError)

    /// Ends the writing: nothing is written after it (``commit(sha256:)`` makes the bytes durable).
    func finish() async throws(MessageQueueError)

    /// Names the finished bytes `sha256` (their hash, which the caller computed), durably when it returns; bytes
    /// already stored under that name are kept and these dropped. Then ``keep()`` or ``discard()``.
    func commit(sha256: String) async throws(MessageQueueError)

    /// After the commit: the message naming these bytes is stored, so they stay.
    func keep()

    /// Removes what was written (a refused or repeated message); after the commit, the named bytes unless they were
    /// there before or another message keeps them.
    func discard() async
}

/// The stored bytes of one attachment, read in order a piece at a time.
public protocol AttachmentSource: Sendable {
    /// The next piece, or `nil` at the end.
    func read() throws(MessageQueueError) -> [UInt8]?

    /// Releases what the reading holds.
    func close()
}
