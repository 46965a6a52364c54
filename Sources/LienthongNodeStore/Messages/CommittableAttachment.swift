import Foundation

/// A sink of the ``FileAttachmentStore`` that its commit names through the ``AttachmentSyncer``.
protocol CommittableAttachment: AttachmentSink {
    /// The upload file to sync and rename, or `nil` for bytes stored already.
    var upload: URL? { get }

    /// Whether the bytes may be named `target` (a sink of stored bytes only under their own name).
    func accepts(_ target: URL) -> Bool

    /// The syncer committed the bytes under `target` and holds it for this upload until ``keep()`` or ``discard()``.
    func committed(as target: URL)
}
