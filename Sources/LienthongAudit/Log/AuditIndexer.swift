import Foundation
import LienthongStorage
import Synchronization

/// The thread that keeps an ``AuditLookupIndex`` up to date: every second it adds the entries of the records
/// committed since, in batches of at most ``batchLimit`` records, then checkpoints the log's WAL.
///
/// It reads the log through its own read-only connection and writes only the index file, so it never holds the
/// log's write lock: appends do not wait for it. Its checkpoints are passive (they copy what no reader still
/// needs and never wait for the writer), so that the writer's commits do not carry them (see ``AuditStore``).
///
/// Under steady appends its checkpoint never lets SQLite start the WAL again from its beginning: a commit lands while
/// it copies, so the WAL is never wholly copied when the writer's next transaction starts, and it grows by every
/// commit (each `fdatasync` then also writes the file's size and new blocks) up to the writer's own checkpoint at
/// 16,384 pages, a 64 MiB copy inside a commit. So after each checkpoint it asks the writer to copy what is left
/// (``takeCheckpointRequest()``): the frames of the commits made meanwhile, with no commit able to land during that
/// copy, after which the writer's next commit starts the WAL again.
final class AuditIndexer: @unchecked Sendable {
    // @unchecked: `index` and `log` are used only with `lock` held; the semaphores are made for use between threads.
    private let lock = NSLock()
    private let index: AuditLookupIndex
    private let log: AuditStore
    /// A read-write connection to the log, used only to checkpoint it (a read-only one may not).
    private let checkpointer: SQLiteDatabase
    /// A checkpoint ran since the writer last finished one.
    private let checkpointed = Atomic<Bool>(false)
    private let stop = ThreadSemaphore()
    private let stopped = ThreadSemaphore()

    /// How often the thread catches up: the larger the batches, the fewer times each index page is written.
    static let interval: TimeInterval = 1
    /// The most records one index transaction covers.
    static let batchLimit = 8_192

    /// Opens (or rebuilds) the index of the log at `logPath` and starts the thread.
    init(logPath: String) throws(StorageError) {
        log = try AuditStore(path: logPath, readOnly: true)
        index = try AuditLookupIndex(logPath: logPath, log: log)
        checkpointer = try SQLiteDatabase(path: logPath, mode: .readWrite)
        let thread = Thread { [self] in
            while !stop.wait(seconds: Self.interval) {
                try? catchUp()
                try? checkpointLog()
            }
            stopped.post()
        }
        thread.name = "lienthong-audit-index"
        thread.start()
    }

    /// Indexes every record committed so far.
    func catchUp() throws(StorageError) {
        lock.lock()
        defer { lock.unlock() }
        while try index.catchUp(from: log, limit: Self.batchLimit) == Self.batchLimit {}
    }

    /// Copies the log's WAL into its database file as far as no reader needs it; the next commit after a full copy
    /// starts the WAL from its beginning again.
    func checkpointLog() throws(StorageError) {
        lock.lock()
        defer { lock.unlock() }
        // One row: busy, frames in the WAL, frames copied (-1 each when the log is not in WAL mode). Even when the
        // two counts are equal they are this checkpoint's view: the writer may have committed since.
        let row = try checkpointer.query("PRAGMA wal_checkpoint(PASSIVE)").first ?? []
        if row.count == 3, case .integer(let frames) = row[1], frames > 0 {
            checkpointed.store(true, ordering: .relaxed)
        }
    }

    /// For the writer, before a commit: whether a checkpoint ran since it last finished one (then it is reset).
    func takeCheckpointRequest() -> Bool {
        checkpointed.exchange(false, ordering: .relaxed)
    }

    /// Stops the thread; the index keeps what it has, and the next open continues from there.
    func close() {
        stop.post()
        stopped.wait()
        // Let a second call through as well.
        stopped.post()
    }
}
