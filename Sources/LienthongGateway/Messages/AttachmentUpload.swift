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

    /// A new upload of attachment `name`, declared to hash to `sha256`, into `store` (which keeps nothing new of
    /// bytes it holds already: ``AttachmentStore/begin(expecting:)``).
    init(name: String, sha256: String, store: any AttachmentStore, limit: Int) throws(MessageQueueError) {
        self.name = name
        self.limit = limit
        sink = try store.begin(expecting: sha256)
    }

    /// Appends `bytes`. - Returns: `false` once the attachment is over the limit (the bytes are then dropped).
    func write(_ bytes: [UInt8]) async throws(MessageQueueError) -> Bool {
        length += bytes.count
        guard length <= limit else { return false }
        hasher.update(bytes)
        try await sink.write(bytes)
        return true
    }

    /// Ends the writing and fixes the bytes' hash.
    func finish() async throws(MessageQueueError) {
        sha256 = Base64URL.encode(hasher.finalize())
        try await sink.finish()
    }

    /// Stores the finished bytes of `uploads` under their hashes, durably, before the message row that names them:
    /// the store shares the syncs with other sends where it can. Each is then kept or discarded.
    static func commit(_ uploads: [AttachmentUpload], into store: any AttachmentStore) async throws(MessageQueueError) {
        try await store.commit(uploads.map { ($0.sink, $0.sha256) })
    }

    /// The message naming the committed bytes is stored.
    func keep() {
        sink.keep()
    }

    /// Removes what was written, or after a commit the bytes unless another message keeps them.
    func discard() async {
        await sink.discard()
    }
}
