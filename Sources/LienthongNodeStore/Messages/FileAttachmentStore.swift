public import Foundation
import LienthongTrust

#if canImport(Glibc)
    import Glibc
#endif

/// Attachment bytes in the data directory, the embedded default: `messages/incoming/` while a request uploads them,
/// `messages/attachments/<hex SHA-256>` once their message is accepted. Seen by this node only.
public struct FileAttachmentStore: AttachmentStore {
    /// `<data>/messages`.
    public let directory: URL
    /// How many bytes ``FileAttachmentSource/read()`` returns at most.
    static let readBytes = 64 * 1024

    var incoming: URL { directory.appendingPathComponent("incoming", isDirectory: true) }
    var attachments: URL { directory.appendingPathComponent("attachments", isDirectory: true) }

    /// The store in `directory`; uploads a crash cut short are removed (their message was never accepted).
    /// - Throws: ``MessageQueueError/Code/storage`` if its folders cannot be created.
    public init(directory: URL) throws(MessageQueueError) {
        self.directory = directory
        try? FileManager.default.removeItem(at: incoming)
        for folder in [incoming, attachments] {
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw MessageQueueError(.storage, "creating messages/\(folder.lastPathComponent)")
            }
        }
    }

    public func begin() throws(MessageQueueError) -> any AttachmentSink {
        try FileAttachmentSink(in: incoming, store: self)
    }

    /// Bytes stored already (a document resent, the same form attached again) are only hashed on their way: no
    /// upload file, no sync, no rename over the stored file (whose old inode ext4 must then free).
    public func begin(expecting sha256: String) throws(MessageQueueError) -> any AttachmentSink {
        guard let target = file(sha256: sha256), FileManager.default.fileExists(atPath: target.path) else {
            return try begin()
        }
        return StoredAttachmentSink(target: target, store: self)
    }

    public func contains(sha256: String) -> Bool {
        file(sha256: sha256).map { FileManager.default.fileExists(atPath: $0.path) } ?? false
    }

    /// Every upload joins the ``AttachmentSyncer``'s next batch: one sync for every send waiting.
    public func commit(_ uploads: [(sink: any AttachmentSink, sha256: String)]) async throws(MessageQueueError) {
        var files: [(sink: any CommittableAttachment, target: URL)] = []
        for (sink, sha256) in uploads {
            guard let upload = sink as? any CommittableAttachment, let target = file(sha256: sha256),
                upload.accepts(target)
            else {
                throw MessageQueueError(.storage, "naming an upload")
            }
            files.append((upload, target))
        }
        try await AttachmentSyncer.shared.commit(files.map { ($0.sink.upload, $0.target) })
        for (sink, target) in files { sink.committed(as: target) }
    }

    public func open(sha256: String) -> (any AttachmentSource)? {
        guard let file = file(sha256: sha256), let handle = try? FileHandle(forReadingFrom: file) else { return nil }
        return FileAttachmentSource(handle: handle)
    }

    /// The file of an accepted attachment with base64url SHA-256 `sha256`; `nil` for a malformed hash.
    public func file(sha256: String) -> URL? {
        guard let digest = try? Base64URL.decode(sha256), digest.count == 32 else { return nil }
        return attachments.appendingPathComponent(Hex.encode(digest))
    }
}

/// One upload in `messages/incoming/`, renamed under its content name by its store's ``FileAttachmentStore/commit(_:)``
/// through the ``AttachmentSyncer``.
final class FileAttachmentSink: CommittableAttachment {
    let file: URL
    private let handle: FileHandle
    private let store: FileAttachmentStore
    /// The content name once committed; the syncer holds it until ``keep()`` or ``discard()``.
    private var committed: URL?

    init(in folder: URL, store: FileAttachmentStore) throws(MessageQueueError) {
        self.store = store
        file = folder.appendingPathComponent(UUID().uuidString.lowercased())
        // One `open`: `FileManager.createFile` writes an empty file atomically (a temporary file, then a rename).
        let descriptor = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw MessageQueueError(.storage, "creating an upload in messages/incoming") }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    var upload: URL? { file }

    func accepts(_ target: URL) -> Bool { true }

    func write(_ bytes: [UInt8]) throws(MessageQueueError) {
        do {
            try handle.write(contentsOf: bytes)
        } catch {
            throw MessageQueueError(.storage, "writing an upload")
        }
    }

    /// Closes the file; the commit syncs it, with every other upload of its batch.
    func finish() throws(MessageQueueError) {
        do {
            try handle.close()
        } catch {
            throw MessageQueueError(.storage, "closing an upload")
        }
    }

    /// The syncer makes the bytes durable before the rename and the folder after it, so the message row that follows
    /// never names bytes a power cut could lose.
    func commit(sha256: String) async throws(MessageQueueError) {
        try await store.commit([(self, sha256)])
    }

    /// The syncer committed the bytes under `target` and holds it for this upload.
    func committed(as target: URL) {
        committed = target
    }

    /// The message naming the committed bytes is stored.
    func keep() {
        guard let target = committed else { return }
        committed = nil
        AttachmentSyncer.shared.settle([target], kept: true)
    }

    /// Before a commit, removes the upload; after it, lets go of the name, whose file goes if nothing else keeps it.
    func discard() {
        if let target = committed {
            committed = nil
            AttachmentSyncer.shared.settle([target], kept: false)
            return
        }
        try? handle.close()
        try? FileManager.default.removeItem(at: file)
    }
}

/// A stored attachment file, read a piece at a time.
struct FileAttachmentSource: AttachmentSource {
    let handle: FileHandle

    func read() throws(MessageQueueError) -> [UInt8]? {
        let chunk: Data?
        do {
            chunk = try handle.read(upToCount: FileAttachmentStore.readBytes)
        } catch {
            throw MessageQueueError(.storage, "reading an attachment")
        }
        // The end of the file is nil or empty, depending on the platform.
        guard let chunk, !chunk.isEmpty else { return nil }
        return Array(chunk)
    }

    func close() { try? handle.close() }
}
