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

    /// Where uploads and the lookups of request handlers and the delivery worker run: on their loop, not blocking it.
    let pool: PostgresConnectionPool
    /// Where stored bytes are read out (``open(sha256:)``, ``PostgresAttachmentSource``): blocking the caller's
    /// thread, as their synchronous readers (libcurl's read callback, sending to another node) need.
    let sessions: PostgresSessions

    /// The store on `conninfo`; the tables are created by ``PostgresMessageQueue``, opened first.
    /// - Throws: ``MessageQueueError/Code/storage`` if the server cannot be reached.
    public init(conninfo: String, connections: Int = 2) throws(MessageQueueError) {
        pool = .nodeState(conninfo: conninfo, connections: connections, applicationName: "lienthong-attachments")
        sessions = PostgresSessions(conninfo: conninfo, count: connections, applicationName: "lienthong-attachments")
        _ = try read("open") { connection throws(PostgresError) in
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

    public func contains(sha256: String) async throws(MessageQueueError) -> Bool {
        let rows = try await run("read") { () async throws(PostgresError) in
            try await pool.query(Self.chunkCountQuery, [sha256], prepared: true).rows
        }
        return Self.chunkCount(rows) != nil
    }

    public func open(sha256: String) throws(MessageQueueError) -> (any AttachmentSource)? {
        let rows = try read("read") { connection throws(PostgresError) in
            try connection.query(Self.chunkCountQuery, [sha256], prepared: true).rows
        }
        return Self.chunkCount(rows).map { PostgresAttachmentSource(store: self, sha256: sha256, chunks: $0) }
    }

    private static let chunkCountQuery = "SELECT chunks FROM lienthong.attachment_contents WHERE sha256 = $1"

    private static func chunkCount(_ rows: [[String?]]) -> Int? {
        rows.first.flatMap { $0[0] }.flatMap { Int($0) }
    }

    /// Runs `body` on the pool, its failure as a ``MessageQueueError/Code/storage`` of `operation`.
    func run<T>(
        _ operation: String, _ body: () async throws(PostgresError) -> T
    ) async throws(MessageQueueError) -> T {
        do throws(PostgresError) {
            return try await body()
        } catch {
            throw MessageQueueError(.storage, "attachment \(operation): \(error.code.wireCode)")
        }
    }

    /// Runs `body` on a blocking session, its failure as a ``MessageQueueError/Code/storage`` of `operation`.
    func read<T>(
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
        let rows = try read("read") { connection throws(PostgresError) in
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

    func write(_ bytes: [UInt8]) async throws(MessageQueueError) {
        var rest = bytes[...]
        while !rest.isEmpty {
            let taken = rest.prefix(PostgresAttachmentStore.chunkBytes - pending.count)
            pending += taken
            rest = rest.dropFirst(taken.count)
            if pending.count == PostgresAttachmentStore.chunkBytes { try await flush() }
        }
    }

    func finish() async throws(MessageQueueError) {
        if !pending.isEmpty { try await flush() }
    }

    private func flush() async throws(MessageQueueError) {
        let statement = PostgresStatement(
            "INSERT INTO lienthong.attachment_chunks (key, chunk, bytes) VALUES ($1, $2::integer, $3::bytea)",
            [key, String(chunks), PostgresMessageQueue.bytea(pending)], prepared: true)
        try await store.run("write") { () async throws(PostgresError) in
            _ = try await store.pool.run { done in done.isEmpty ? statement : nil }
        }
        length += pending.count
        chunks += 1
        pending.removeAll(keepingCapacity: true)
    }

    /// In one transaction on a `synchronous_commit = on` session, whose commit also makes the chunks written before
    /// it durable (the WAL is flushed up to the commit).
    func commit(sha256: String) async throws(MessageQueueError) {
        let key = key
        let name = PostgresStatement(
            """
            INSERT INTO lienthong.attachment_contents (sha256, length, chunks)
            VALUES ($1, $2::bigint, $3::integer) ON CONFLICT (sha256) DO NOTHING
            """, [sha256, String(length), String(chunks)], prepared: true)
        let rename = PostgresStatement(
            "UPDATE lienthong.attachment_chunks SET key = $2 WHERE key = $1", [key, sha256], prepared: true)
        let drop = PostgresStatement("DELETE FROM lienthong.attachment_chunks WHERE key = $1", [key], prepared: true)
        let transaction = PostgresTransaction([
            { _ in [name] }, { named in [named.last?.affectedRows == 1 ? rename : drop] },
        ])
        let pool = store.pool
        _ = try await store.run("commit") { () async throws(PostgresError) in try await transaction.run(on: pool) }
    }

    /// Nothing to do: the commit's transaction already named the bytes for good.
    func keep() {}

    func discard() async {
        let drop = PostgresStatement("DELETE FROM lienthong.attachment_chunks WHERE key = $1", [key], prepared: true)
        _ = try? await store.pool.run { done in done.isEmpty ? drop : nil }
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
