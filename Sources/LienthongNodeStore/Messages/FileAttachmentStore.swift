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

    public func contains(sha256: String) -> Bool {
        file(sha256: sha256).map { FileManager.default.fileExists(atPath: $0.path) } ?? false
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

    /// fsync(2) of a folder, which makes a rename in it durable.
    static func sync(directory: URL) throws(MessageQueueError) {
        let descriptor = Glibc.open(directory.path, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { throw MessageQueueError(.storage, "opening messages/attachments") }
        defer { Glibc.close(descriptor) }
        guard fsync(descriptor) == 0 else { throw MessageQueueError(.storage, "syncing messages/attachments") }
    }
}

/// One upload in `messages/incoming/`, renamed under its content name by ``commit(sha256:)``.
final class FileAttachmentSink: AttachmentSink {
    let file: URL
    private let handle: FileHandle
    private let store: FileAttachmentStore

    init(in folder: URL, store: FileAttachmentStore) throws(MessageQueueError) {
        self.store = store
        file = folder.appendingPathComponent(UUID().uuidString.lowercased())
        guard FileManager.default.createFile(atPath: file.path, contents: nil),
            let handle = try? FileHandle(forWritingTo: file)
        else { throw MessageQueueError(.storage, "creating an upload in messages/incoming") }
        self.handle = handle
    }

    func write(_ bytes: [UInt8]) throws(MessageQueueError) {
        do {
            try handle.write(contentsOf: bytes)
        } catch {
            throw MessageQueueError(.storage, "writing an upload")
        }
    }

    func finish() throws(MessageQueueError) {
        do {
            try handle.synchronize()
            try handle.close()
        } catch {
            throw MessageQueueError(.storage, "syncing an upload")
        }
    }

    /// The file is synced (``finish()``) before the rename and the folder after it, so the message row that follows
    /// never names bytes a power cut could lose.
    func commit(sha256: String) throws(MessageQueueError) {
        guard let target = store.file(sha256: sha256) else { throw MessageQueueError(.storage, "naming an upload") }
        guard rename(file.path, target.path) == 0 else { throw MessageQueueError(.storage, "renaming an upload") }
        try FileAttachmentStore.sync(directory: store.attachments)
    }

    func discard() {
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
