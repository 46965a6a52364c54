import Foundation
import LienthongStorage
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The group commit of file attachments: one thread takes every upload waiting to be named, syncs their bytes
/// together (``DataSync``: one journal commit for all), renames them and syncs their folder once, then resumes every
/// waiter (a task comes back to its event loop through the loop's inbox, as with the audit writer). Concurrent sends
/// share two syncs instead of two each, and no event loop waits on the disk.
///
/// It also keeps, per name, the sends that committed it and have not yet said whether their message was stored
/// (``settle(_:kept:)``): a send that fails after its commit removes the bytes only if its commit made the file and
/// no other send of the same bytes holds or kept it.
final class AttachmentSyncer: Sendable {
    /// The process's syncer; its thread starts on the first commit and lives as long as the process.
    static let shared = AttachmentSyncer()

    /// One upload to name: `upload` in `messages/incoming`, `target` its content name in `messages/attachments`;
    /// without `upload`, bytes stored already under `target` (the job only holds the name and waits for it to be
    /// durable).
    struct Job: Sendable {
        let upload: URL?
        let target: URL
        let done: @Sendable (Result<Void, MessageQueueError>) -> Void
    }

    /// The sends holding one name.
    private struct Hold {
        var holders: Int
        /// The file did not exist when the first holder committed.
        let created: Bool
        var kept = false
    }

    private struct State {
        var jobs: [Job] = []
        var started = false
        /// The thread found nothing to do and sleeps on `wake` (or is about to).
        var idle = false
        var holds: [String: Hold] = [:]
    }

    private let state = Mutex(State())
    private let wake = ThreadSemaphore()
    private let dataSync = DataSync()

    /// Names each upload `target` durably (its bytes, then the name), together with whatever else waits.
    /// Each target is held until ``settle(_:kept:)``, except when this throws (then it is released here).
    func commit(_ uploads: [(upload: URL?, target: URL)]) async throws(MessageQueueError) {
        guard !uploads.isEmpty else { return }
        let result: Result<Void, MessageQueueError> = await withCheckedContinuation { continuation in
            let remaining = Mutex((count: uploads.count, failure: MessageQueueError?.none))
            enqueue(
                uploads.map { upload, target in
                    Job(upload: upload, target: target) { result in
                        let last = remaining.withLock { remaining -> Result<Void, MessageQueueError>? in
                            if case .failure(let error) = result { remaining.failure = remaining.failure ?? error }
                            remaining.count -= 1
                            guard remaining.count == 0 else { return nil }
                            return remaining.failure.map { .failure($0) } ?? .success(())
                        }
                        if let last { continuation.resume(returning: last) }
                    }
                })
        }
        if case .failure = result { settle(uploads.map(\.target), kept: false) }
        try result.get()
    }

    /// Ends the holds on `targets`: their messages were stored (`kept`) or not. A name whose last holder lets go is
    /// removed if a commit here made its file and no holder kept it.
    func settle(_ targets: [URL], kept: Bool) {
        state.withLock { state in
            for target in targets {
                guard var hold = state.holds[target.path] else { continue }
                hold.holders -= 1
                hold.kept = hold.kept || kept
                guard hold.holders == 0 else {
                    state.holds[target.path] = hold
                    continue
                }
                state.holds[target.path] = nil
                // Under the lock, so that no new commit of the same name can be between its check and this.
                if hold.created && !hold.kept { unlink(target.path) }
            }
        }
    }

    private func enqueue(_ jobs: [Job]) {
        let (start, wakeUp) = state.withLock { state -> (Bool, Bool) in
            for job in jobs {
                var hold =
                    state.holds[job.target.path]
                    ?? Hold(holders: 0, created: !FileManager.default.fileExists(atPath: job.target.path))
                hold.holders += 1
                state.holds[job.target.path] = hold
            }
            state.jobs += jobs
            defer { (state.started, state.idle) = (true, false) }
            return (!state.started, state.idle)
        }
        if start {
            let thread = Thread { [self] in work() }
            thread.name = "lienthong-attach"
            thread.start()
        } else if wakeUp {
            wake.post()
        }
    }

    private func work() {
        while true {
            let jobs = state.withLock { state -> [Job] in
                guard !state.jobs.isEmpty else {
                    state.idle = true
                    return []
                }
                defer { state.jobs = [] }
                return state.jobs
            }
            guard !jobs.isEmpty else {
                wake.wait()
                continue
            }
            for folder in Dictionary(grouping: jobs, by: { $0.target.deletingLastPathComponent().path }) {
                name(folder.value, in: folder.key)
            }
        }
    }

    /// One batch in one folder: the uploads' bytes synced together (one journal commit for all of them, rather than
    /// one `fsync` each), the renames, one `fsync` of the folder that makes them durable.
    private func name(_ jobs: [Job], in folder: String) {
        let stored = jobs.filter { $0.upload == nil }
        let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY)
        guard folderDescriptor >= 0 else {
            for job in jobs { job.done(.failure(MessageQueueError(.storage, "opening messages/attachments"))) }
            return
        }
        defer { close(folderDescriptor) }
        var opened: [(job: Job, descriptor: Int32)] = []
        for job in jobs {
            guard let upload = job.upload else { continue }
            let descriptor = open(upload.path, O_RDONLY)
            if descriptor >= 0 {
                opened.append((job, descriptor))
            } else {
                job.done(.failure(MessageQueueError(.storage, "opening an upload")))
            }
        }
        let synced = dataSync.sync(opened.map(\.descriptor)) == 0
        for (_, descriptor) in opened { close(descriptor) }
        guard synced else {
            for (job, _) in opened { job.done(.failure(MessageQueueError(.storage, "syncing an upload"))) }
            for job in stored { job.done(.failure(MessageQueueError(.storage, "syncing an upload"))) }
            return
        }
        var renamed: [Job] = []
        for (job, _) in opened {
            if let upload = job.upload, rename(upload.path, job.target.path) == 0 {
                renamed.append(job)
            } else {
                job.done(.failure(MessageQueueError(.storage, "renaming an upload")))
            }
        }
        // Also makes durable the name of a stored file that a process killed before its folder sync had renamed.
        let named = fsync(folderDescriptor) == 0
        for job in renamed {
            job.done(named ? .success(()) : .failure(MessageQueueError(.storage, "syncing messages/attachments")))
        }
        for job in stored {
            // Named by an earlier batch (synced then) or by this one; gone only if the send that made it let go
            // of it between the caller's check and this commit.
            let present = named && FileManager.default.fileExists(atPath: job.target.path)
            job.done(present ? .success(()) : .failure(MessageQueueError(.storage, "a stored attachment went away")))
        }
    }
}
