import Foundation

extension AttachmentStore {
    /// Commits finished uploads (each sink with the hash of its bytes), durably when it returns, without holding the
    /// caller's thread on the disk where the store can: file uploads join the ``AttachmentSyncer``'s next batch (one
    /// sync for every send waiting), others commit one after the other. After it, each sink is either kept
    /// (``AttachmentSink/keep()``: its message is stored) or discarded (it is not: bytes no message keeps are removed).
    ///
    /// The file store is reached by its type here while the protocol's requirements are synchronous.
    public func commit(_ uploads: [(sink: any AttachmentSink, sha256: String)]) async throws(MessageQueueError) {
        var files: [(sink: FileAttachmentSink, target: URL)] = []
        for (sink, sha256) in uploads {
            if let file = sink as? FileAttachmentSink {
                files.append((file, try file.name(sha256)))
            } else {
                try await sink.commit(sha256: sha256)
            }
        }
        try await AttachmentSyncer.shared.commit(files.map { ($0.sink.file, $0.target) })
        for (sink, target) in files { sink.committed(as: target) }
    }
}

extension AttachmentSink {
    /// After ``AttachmentStore/commit(_:)``: the message naming these bytes is stored, so they stay.
    public func keep() {
        (self as? FileAttachmentSink)?.keep()
    }
}
