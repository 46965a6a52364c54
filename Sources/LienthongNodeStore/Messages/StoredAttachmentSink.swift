import Foundation

/// An upload of bytes that the ``FileAttachmentStore`` holds already (``FileAttachmentStore/begin(expecting:)``):
/// nothing is written, the caller hashes the bytes on their way and refuses them if they differ; the commit holds
/// the stored file, as a commit of new bytes would hold the file it made.
final class StoredAttachmentSink: CommittableAttachment {
    /// The stored file, named by the declared hash.
    let target: URL
    private let store: FileAttachmentStore
    private var committed = false

    init(target: URL, store: FileAttachmentStore) {
        self.target = target
        self.store = store
    }

    var upload: URL? { nil }

    func accepts(_ target: URL) -> Bool { target.path == self.target.path }

    func write(_ bytes: [UInt8]) {}

    func finish() {}

    func commit(sha256: String) async throws(MessageQueueError) {
        try await store.commit([(self, sha256)])
    }

    func committed(as target: URL) {
        committed = true
    }

    func keep() {
        guard committed else { return }
        committed = false
        AttachmentSyncer.shared.settle([target], kept: true)
    }

    func discard() {
        guard committed else { return }
        committed = false
        AttachmentSyncer.shared.settle([target], kept: false)
    }
}
