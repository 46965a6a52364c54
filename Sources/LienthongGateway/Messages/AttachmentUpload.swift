import LienthongNodeStore
import LienthongTrust

/// One attachment part stored while it arrives (a sink of the node's ``AttachmentStore``), hashed on the way
/// (OpenSSL SHA-256) and cut off once it passes the node's limit; never held whole in memory.
final class AttachmentUpload {
    let name: String
    private let sink: any AttachmentSink
    private let hasher = SHA256Hasher()
    private let limit: Int
    private(set) var length = 0
    private(set) var sha256 = ""

    /// A new upload of attachment `name` into `store`.
    init(name: String, store: any AttachmentStore, limit: Int) throws(MessageQueueError) {
        self.name = name
        self.limit = limit
        sink = try store.begin()
    }

    /// Appends `bytes`. - Returns: `false` once the attachment is over the limit (the bytes are then dropped).
    func write(_ bytes: [UInt8]) async throws(MessageQueueError) -> Bool {
        length += bytes.count
        guard length <= limit else { return false }
        hasher.update(bytes)
        try await sink.write(bytes)
        return true
    }

    /// Makes the bytes durable and fixes their hash.
    func finish() async throws(MessageQueueError) {
        sha256 = Base64URL.encode(hasher.finalize())
        try await sink.finish()
    }

    /// Stores the finished bytes under their hash, durably, before the message row that names them.
    func commit() async throws(MessageQueueError) {
        try await sink.commit(sha256: sha256)
    }

    /// Removes what was written.
    func discard() async {
        await sink.discard()
    }
}
