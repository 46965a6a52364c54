import Foundation
import LienthongStorage

/// The thread that keeps an ``AuditLookupIndex`` up to date: every second it adds the entries of the records
/// committed since, in batches of at most ``batchLimit`` records, then checkpoints the log's WAL.
///
/// It reads the log through its own read-only connection and writes only the index file, so it never holds the
/// log's write lock: appends do not wait for it. Its checkpoints are passive (they copy what no reader still
/// needs and never wait for the writer), so that the writer's commits do not carry them (see ``AuditStore``).
final class AuditIndexer: @unchecked Sendable {
    // @unchecked: `index` and `log` are used only with `lock` held; the semaphores are made for use between threads.
    private let lock = NSLock()
    private let index: AuditLookupIndex
    private let log: AuditStore
    /// A read-write connection to the log, used only to checkpoint it (a read-only one may not).
    private let checkpointer: SQLiteDatabase
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
        _ = try checkpointer.query("PRAGMA wal_checkpoint(PASSIVE)")
    }

    /// Stops the thread; the index keeps what it has, and the next open continues from there.
    func close() {
        stop.post()
        stopped.wait()
        // Let a second call through as well.
        stopped.post()
    }
}
