import Foundation
import LienthongStorage
import Synchronization

/// Attachment bytes in the shared PostgreSQL, so that any node serves an attachment any node received: rows of
/// `lienthong.attachment_chunks` (`bytea`, at most ``chunkBytes`` each) keyed by `upload:<uuid>` while a request
/// uploads them, then renamed under their base64url SHA-256, with one row in `lienthong.attachment_contents` per
/// content. Named by content as the files are: a resent attachment, or the same id sent to two nodes at once, keeps
/// one copy (the rename and the content row are one transaction; the second finds the row and drops its chunks).
///
/// Writing and reading go one chunk at a time; uploads a crash cut short are deleted after ``abandonedUploadAge``.
public struct PostgresAttachmentStore: AttachmentStore {
    /// The most bytes one chunk row holds.
    public static let chunkBytes = 64 * 1024
    /// How old an upload's chunks are when a node starting up deletes them (no request uploads for that long).
    static let abandonedUploadAge = "1 day"

    let sessions: PostgresSessions

    /// The store on `conninfo`; the tables are created by ``PostgresMessageQueue``, opened first.
    /// - Throws: ``MessageQueueError/Code/storage`` if the server cannot be reached.
    public init(conninfo: String, connections: Int = 2) throws(MessageQueueError) {
        sessions = PostgresSessions(conninfo: conninfo, count: connections, applicationName: "lienthong-attachments")
        _ = try run("open") { connection throws(PostgresError) in
            try connection.query(
                """
                DELETE FROM lienthong.attachment_chunks
                WHERE key LIKE 'upload:%' AND written_at < now() - $1::interval
                """, [Self.abandonedUploadAge])
        }
    }

    public func begin() -> any AttachmentSink {
        PostgresAttachmentSink(store: self, key: "upload:\(UUID().uuidString.lowercased())")
    }

    public func contains(sha256: String) throws(MessageQueueError) -> Bool {
        try chunkCount(sha256: sha256) != nil
    }

    public func open(sha256: String) throws(MessageQueueError) -> (any AttachmentSource)? {
        try chunkCount(sha256: sha256).map { PostgresAttachmentSource(store: self, sha256: sha256, chunks: $0) }
    }

    private func chunkCount(sha256: String) throws(MessageQueueError) -> Int? {
        let rows = try run("read") { connection throws(PostgresError) in
            try connection.query(
                "SELECT chunks FROM lienthong.attachment_contents WHERE sha256 = $1", [sha256], prepared: true
            ).rows
        }
        return rows.first.flatMap { $0[0] }.flatMap { Int($0) }
    }

    func run<T>(
        _ operation: String, _ body: (PostgresConnection) throws(PostgresError) -> T
    ) throws(MessageQueueError) -> T {
        do throws(PostgresError) {
            return try sessions.run(body)
        } catch {
            throw MessageQueueError(.storage, "attachment \(operation): \(error.code.wireCode)")
        }
    }

    /// The bytes of chunk `index` of `key`; `nil` when there is no such chunk.
    func chunk(_ key: String, _ index: Int) throws(MessageQueueError) -> [UInt8]? {
        let rows = try run("read") { connection throws(PostgresError) in
            try connection.query(
                "SELECT bytes FROM lienthong.attachment_chunks WHERE key = $1 AND chunk = $2::integer",
                [key, String(index)], prepared: true
            ).rows
        }
        return rows.first.flatMap { PostgresMessageQueue.bytes($0[0]) }
    }
}

/// One upload: its bytes gathered up to a chunk, each full chunk inserted as it fills.
final class PostgresAttachmentSink: AttachmentSink {
    private let store: PostgresAttachmentStore
    private let key: String
    private var pending: [UInt8] = []
    private var chunks = 0
    private var length = 0

    init(store: PostgresAttachmentStore, key: String) {
        self.store = store
        self.key = key
    }

    func write(_ bytes: [UInt8]) throws(MessageQueueError) {
        var rest = bytes[...]
        while !rest.isEmpty {
            let taken = rest.prefix(PostgresAttachmentStore.chunkBytes - pending.count)
            pending += taken
            rest = rest.dropFirst(taken.count)
            if pending.count == PostgresAttachmentStore.chunkBytes { try flush() }
        }
    }

    func finish() throws(MessageQueueError) {
        if !pending.isEmpty { try flush() }
    }

    private func flush() throws(MessageQueueError) {
        let bytes = PostgresMessageQueue.bytea(pending)
        let index = chunks
        _ = try store.run("write") { connection throws(PostgresError) in
            try connection.query(
                "INSERT INTO lienthong.attachment_chunks (key, chunk, bytes) VALUES ($1, $2::integer, $3::bytea)",
                [key, String(index), bytes], prepared: true)
        }
        length += pending.count
        chunks += 1
        pending.removeAll(keepingCapacity: true)
    }

    /// In one transaction on a `synchronous_commit = on` session, whose commit also makes the chunks written before
    /// it durable (the WAL is flushed up to the commit).
    func commit(sha256: String) throws(MessageQueueError) {
        let (key, chunks, length) = (key, chunks, length)
        do throws(PostgresError) {
            try store.sessions.transaction { connection throws(PostgresError) in
                let named = try connection.query(
                    """
                    INSERT INTO lienthong.attachment_contents (sha256, length, chunks)
                    VALUES ($1, $2::bigint, $3::integer) ON CONFLICT (sha256) DO NOTHING
                    """, [sha256, String(length), String(chunks)], prepared: true)
                if named.affectedRows == 1 {
                    try connection.query(
                        "UPDATE lienthong.attachment_chunks SET key = $2 WHERE key = $1", [key, sha256], prepared: true)
                } else {
                    try connection.query(
                        "DELETE FROM lienthong.attachment_chunks WHERE key = $1", [key], prepared: true)
                }
            }
        } catch {
            throw MessageQueueError(.storage, "attachment commit: \(error.code.wireCode)")
        }
    }

    func discard() {
        _ = try? store.run("discard") { connection throws(PostgresError) in
            try connection.query("DELETE FROM lienthong.attachment_chunks WHERE key = $1", [key], prepared: true)
        }
    }
}

/// A stored attachment read one chunk row at a time, in order.
final class PostgresAttachmentSource: AttachmentSource {
    private let store: PostgresAttachmentStore
    private let sha256: String
    private let chunks: Int
    private let next = Atomic<Int>(0)

    init(store: PostgresAttachmentStore, sha256: String, chunks: Int) {
        self.store = store
        self.sha256 = sha256
        self.chunks = chunks
    }

    func read() throws(MessageQueueError) -> [UInt8]? {
        let index = next.add(1, ordering: .relaxed).oldValue
        guard index < chunks else { return nil }
        guard let bytes = try store.chunk(sha256, index) else {
            throw MessageQueueError(.storage, "attachment read: a chunk is missing")
        }
        return bytes
    }

    func close() {}
}
