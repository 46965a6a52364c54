import Foundation
import LienthongNodeStore
import LienthongTrust
import Testing

/// The file store's shared commit: concurrent uploads are all durable and named when it returns, and a send that
/// fails after its commit removes only bytes that no other send keeps and that were not there before.
struct FileAttachmentStoreTests {
    static func store() throws -> FileAttachmentStore {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-attachments-\(UUID())")
        return try FileAttachmentStore(directory: folder)
    }

    /// A finished upload of `bytes` and their name.
    static func upload(_ bytes: [UInt8], into store: FileAttachmentStore) async throws -> (any AttachmentSink, String) {
        let sink = try store.begin()
        try await sink.write(bytes)
        try await sink.finish()
        return (sink, Base64URL.encode(Digest.sha256(bytes)))
    }

    @Test func concurrentCommitsAreAllNamedWhenTheyReturn() async throws {
        let store = try Self.store()
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let names = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<32 {
                group.addTask {
                    let (sink, sha256) = try await Self.upload(Array("upload \(index)".utf8), into: store)
                    try await store.commit([(sink, sha256)])
                    sink.keep()
                    return sha256
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(names.count == 32)
        for name in names { #expect(store.contains(sha256: name)) }
        let incoming = store.directory.appendingPathComponent("incoming").path
        #expect(try FileManager.default.contentsOfDirectory(atPath: incoming).isEmpty)
    }

    @Test func aDiscardAfterTheCommitRemovesOnlyBytesNothingElseKeeps() async throws {
        let store = try Self.store()
        defer { try? FileManager.default.removeItem(at: store.directory) }
        // Alone: the bytes go.
        let (alone, aloneName) = try await Self.upload(Array("alone".utf8), into: store)
        try await store.commit([(alone, aloneName)])
        #expect(store.contains(sha256: aloneName))
        await alone.discard()
        #expect(!store.contains(sha256: aloneName))

        // Two sends of the same bytes, one stored: they stay, whichever lets go last.
        let bytes = Array("shared".utf8)
        let (first, name) = try await Self.upload(bytes, into: store)
        let (second, _) = try await Self.upload(bytes, into: store)
        try await store.commit([(first, name)])
        try await store.commit([(second, name)])
        await first.discard()
        #expect(store.contains(sha256: name))
        second.keep()
        #expect(store.contains(sha256: name))

        // Bytes stored before: a later send of them that fails does not take them away.
        let (third, _) = try await Self.upload(bytes, into: store)
        try await store.commit([(third, name)])
        await third.discard()
        #expect(store.contains(sha256: name))
    }

    /// Bytes stored already are not written again: no upload file, no rename over the stored file (whose inode ext4
    /// would free, which made each new file's inode search slower under a stream of equal attachments).
    @Test func bytesStoredAlreadyAreNotWrittenAgain() async throws {
        let store = try Self.store()
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let bytes = Array("the same form".utf8)
        let (first, name) = try await Self.upload(bytes, into: store)
        try await store.commit([(first, name)])
        first.keep()
        let stored = try #require(store.file(sha256: name))
        let inode = try FileManager.default.attributesOfItem(atPath: stored.path)[.systemFileNumber] as? Int

        let again = try store.begin(expecting: name)
        let incoming = store.directory.appendingPathComponent("incoming").path
        #expect(try FileManager.default.contentsOfDirectory(atPath: incoming).isEmpty)
        try await again.write(bytes)
        try await again.finish()
        try await store.commit([(again, name)])
        // The commit held the stored file: a send that made it and fails now does not remove it.
        await first.discard()
        again.keep()
        #expect(try FileManager.default.attributesOfItem(atPath: stored.path)[.systemFileNumber] as? Int == inode)
        #expect(try Array(Data(contentsOf: stored)) == bytes)
        // Under another name (a caller whose hash differs from the declared one) it is refused.
        let other = try store.begin(expecting: name)
        await #expect(throws: MessageQueueError.self) {
            try await store.commit([(other, Base64URL.encode(Digest.sha256(Array("other".utf8))))])
        }
        // Bytes not stored yet are an upload as before.
        let fresh = try store.begin(expecting: Base64URL.encode(Digest.sha256(Array("new".utf8))))
        try await fresh.write(Array("new".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: incoming).count == 1)
        await fresh.discard()
    }

    /// A stored file a failed send removed between another send's check and its commit fails that commit (the
    /// caller answers 503), rather than accepting a message whose bytes are gone.
    @Test func aStoredFileGoneBeforeTheCommitFailsIt() async throws {
        let store = try Self.store()
        defer { try? FileManager.default.removeItem(at: store.directory) }
        let bytes = Array("short-lived".utf8)
        let (first, name) = try await Self.upload(bytes, into: store)
        try await store.commit([(first, name)])
        let again = try store.begin(expecting: name)
        await first.discard()
        #expect(!store.contains(sha256: name))
        try await again.write(bytes)
        try await again.finish()
        await #expect(throws: MessageQueueError.self) { try await store.commit([(again, name)]) }
        await again.discard()
        #expect(!store.contains(sha256: name))
    }
}
