import Foundation
import LienthongTrust

#if canImport(Glibc)
    import Glibc
#endif

/// Where attachment bytes live in the data directory: `messages/incoming/` while a request uploads them,
/// `messages/attachments/<hex SHA-256>` once their message is accepted (named by content, so a resent or
/// forwarded attachment is one file).
struct AttachmentStore: Sendable {
    /// `<data>/messages`.
    let directory: URL

    var incoming: URL { directory.appendingPathComponent("incoming", isDirectory: true) }
    var attachments: URL { directory.appendingPathComponent("attachments", isDirectory: true) }

    /// Creates the folders if they are missing.
    func prepare() throws {
        for folder in [incoming, attachments] {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }
    }

    /// The file of an accepted attachment with base64url SHA-256 `sha256`; `nil` for a malformed hash.
    func file(sha256: String) -> URL? {
        guard let digest = try? Base64URL.decode(sha256), digest.count == 32 else { return nil }
        return attachments.appendingPathComponent(Hex.encode(digest))
    }

    /// Moves an uploaded file under its content name, durably: the file is synced before the rename and the
    /// folder after it, so the message row that follows never names bytes a power cut could lose.
    func commit(_ upload: AttachmentUpload) throws {
        guard let target = file(sha256: upload.sha256) else { throw CocoaError(.fileWriteInvalidFileName) }
        guard rename(upload.file.path, target.path) == 0 else { throw CocoaError(.fileWriteUnknown) }
        try Self.sync(directory: attachments)
    }

    /// fsync(2) of a folder, which makes a rename in it durable.
    static func sync(directory: URL) throws {
        let descriptor = open(directory.path, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { throw CocoaError(.fileReadUnknown) }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}

/// One attachment part written to `messages/incoming/` while it arrives, hashed on the way (OpenSSL SHA-256) and
/// cut off once it passes the node's limit; never held whole in memory.
final class AttachmentUpload {
    let name: String
    let file: URL
    private let handle: FileHandle
    private let hasher = SHA256Hasher()
    private let limit: Int
    private(set) var length = 0
    private(set) var sha256 = ""

    /// Opens a new file in `folder` for attachment `name`.
    init(name: String, in folder: URL, limit: Int) throws {
        self.name = name
        self.limit = limit
        file = folder.appendingPathComponent(UUID().uuidString.lowercased())
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown)
        }
        handle = try FileHandle(forWritingTo: file)
    }

    /// Appends `bytes`. - Returns: `false` once the attachment is over the limit (the bytes are then dropped).
    func write(_ bytes: [UInt8]) throws -> Bool {
        length += bytes.count
        guard length <= limit else { return false }
        hasher.update(bytes)
        try handle.write(contentsOf: bytes)
        return true
    }

    /// Syncs and closes the file and fixes its hash.
    func finish() throws {
        sha256 = Base64URL.encode(hasher.finalize())
        try handle.synchronize()
        try handle.close()
    }

    /// Closes (if still open) and deletes the file.
    func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(at: file)
    }
}
