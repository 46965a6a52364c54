public import Foundation
import LienthongStorage
import LienthongTrust
import LienthongCore

/// The durable, hash-chained audit log: `append` returns only once the record is committed and fsync'd.
///
/// Appends are group-committed: one writer thread takes every pending event, writes them in one
/// transaction (one fsync) and then resumes all their callers, so durability does not cost one fsync
/// per request. On the server each caller is a handler task whose executor is an event loop: resuming it queues it
/// on its loop, and the resumptions of one batch share the loop's pending wake-up. Callers compute the subject's
/// keyed hash themselves; under concurrency the writer lets the next batch gather (until the last batch's size is
/// pending, at most two milliseconds) so that commits are fewer and larger. With an ``AuditCheckpointSigner``, the
/// writer also signs the chain head every N records or T seconds and on ``close()``, storing the checkpoint in the
/// same transaction as the records it covers, then handing it to the ``AuditWitness``, if any. Lookups by request
/// id and subject go through a companion index file that an ``AuditIndexer`` thread keeps up to date off the commit
/// path.
///
/// Opening verifies the chain from the last verified element and against the witnessed head; a log that does not
/// verify takes no record and signs nothing (``unverifiedBreak``) until an operator seals the break.
///
/// ```swift
/// let log = try AuditLog(path: AuditLog.defaultPath(), subjectKey: secret,
///                        checkpoints: try AuditCheckpointSigner(key: nodeKey, chain: nodeChain))
/// let record = try await log.append(event)   // durable when this returns
/// log.close()                                // final checkpoint
/// ```
public final class AuditLog: @unchecked Sendable {
    // @unchecked: `queue` is safe between threads; the store, `chain` and `schedule` are touched only by the writer
    // thread after `init`.
    private let queue = AuditQueue<PendingAppend>()
    private var chain: AuditChain
    /// A write failed: the store may have committed it all the same (its answer was lost), so the writer reads
    /// the head again before it writes more.
    private var headInDoubt = false
    private var schedule: AuditCheckpointSchedule?
    private let signer: AuditCheckpointSigner?
    private let storage: any AuditStorage
    private let subjectKey: [UInt8]
    private let counters = AuditLogCounters()

    /// How long at most the writer lets appends gather after a batch of two or more. On the bench (shared 2-core
    /// VM, 64 connections) a fixed 1 ms wait took the audit-on/off throughput ratio from about 0.77 to about 0.83;
    /// ending the wait once the last batch's size is pending took it to 0.88-1.0 (five runs each, 2026-11-26).
    /// Each commit costs about 100 us of CPU whatever its size (the fdatasync's kernel share on this VM, the WAL
    /// frames, locks and wake-ups): 2 ms instead of 1 ms took batches from 10-12 to 16-25 records at 64 connections
    /// and the writer thread from 17 to 12.5-15 us per record (2026-12-07). A record waits at most 1 ms longer.
    static let gatherWindow: TimeInterval = 0.002

    /// The events of one caller waiting for the writer, with the keyed hashes the caller already computed: they
    /// are written in one batch and the caller is resumed once for all of them.
    private struct PendingAppend {
        var events: [AuditEvent]
        var subjectHMACs: [String?]
        var continuation: CheckedContinuation<[AuditRecord], any Error>
    }

    /// The break the start check found, if any: the log then takes no record and signs nothing until an operator
    /// seals the break (``seal(path:operatorName:signer:witness:mark:)``).
    public let unverifiedBreak: AuditVerification.Finding?
    private let witness: (any AuditWitness)?
    private let afterCheckpoint: (@Sendable (AuditCheckpoint) -> Void)?

    /// Opens or creates the log at `path` and verifies its chain from the last verified element to the head and
    /// against the witness's latest head.
    /// - Parameters:
    ///   - subjectKey: the node secret for the keyed hash of subject identifiers.
    ///   - checkpoints: how to sign checkpoints; `nil` writes none.
    ///   - witness: where each checkpoint's head is also kept, outside the data directory; `nil` keeps none.
    ///   - verifiedMark: where the last verified element is remembered; `nil` verifies from the genesis.
    ///   - afterCheckpoint: called on the writer thread with each checkpoint once committed and witnessed (e.g. to
    ///     get it time-stamped); it must not block.
    /// - Throws: ``AuditError/Code/storage`` if the database cannot be opened. A broken chain does not throw: see
    ///   ``unverifiedBreak``.
    public convenience init(
        path: String, subjectKey: [UInt8], checkpoints: AuditCheckpointSigner? = nil,
        witness: (any AuditWitness)? = nil, verifiedMark: AuditVerifiedMark? = nil,
        afterCheckpoint: (@Sendable (AuditCheckpoint) -> Void)? = nil
    ) throws(AuditError) {
        let storage: SQLiteAuditStorage
        do {
            storage = try SQLiteAuditStorage(path: path)
        } catch {
            throw AuditError(code: .storage, detail: "cannot open the audit log (\(error.code))")
        }
        try self.init(
            storage: storage, subjectKey: subjectKey, checkpoints: checkpoints, witness: witness,
            verifiedMark: verifiedMark, afterCheckpoint: afterCheckpoint)
    }

    /// Opens the log of this node in `storage` and verifies its chain as the SQLite initialiser does: a store shared
    /// by several nodes (PostgreSQL) keeps one chain per node.
    /// - Throws: ``AuditError/Code/storage`` if the head cannot be read; the storage is then closed.
    public init(
        storage: any AuditStorage, subjectKey: [UInt8], checkpoints: AuditCheckpointSigner? = nil,
        witness: (any AuditWitness)? = nil, verifiedMark: AuditVerifiedMark? = nil,
        afterCheckpoint: (@Sendable (AuditCheckpoint) -> Void)? = nil
    ) throws(AuditError) {
        self.storage = storage
        do throws(AuditError) {
            chain = try storage.head()
            unverifiedBreak = try Self.checkAtStart(
                AuditStorageChain(storage: storage), witness: witness, mark: verifiedMark)
        } catch {
            storage.close()
            throw error
        }
        if unverifiedBreak == nil {
            try verifiedMark?.save(seq: chain.lastSeq, hash: chain.headHash)
        }
        // Never sign a checkpoint over records that did not verify.
        let signer = unverifiedBreak == nil ? checkpoints : nil
        if let signer {
            let last = try storage.lastCheckpoint()
            schedule = AuditCheckpointSchedule(
                everyRecords: signer.everyRecords, interval: signer.interval, lastSeq: last?.seq ?? 0,
                lastTime: last.flatMap { Timestamp.parse($0.time) } ?? signer.now())
        }
        self.signer = signer
        self.witness = witness
        self.afterCheckpoint = afterCheckpoint
        self.subjectKey = subjectKey
        counters.update { [lastSeq = chain.lastSeq] in $0.headSeq = Int(lastSeq) }
        let thread = Thread { [self] in writerLoop() }
        thread.name = "lienthong-audit"
        thread.start()
    }

    /// Appends an event and returns its record once it is durable.
    /// - Throws: ``AuditError`` if the log is closed or the store fails; the caller must not send the response.
    public func append(_ event: AuditEvent) async throws(AuditError) -> AuditRecord {
        let records = try await append(contentsOf: [event])
        return records[0]
    }

    /// Appends events as consecutive records, in order, and returns them once all are durable: the events of one
    /// exchange (a profile's parts) wait for one commit and wake their caller once, not once per event.
    /// - Throws: ``AuditError`` if the log is closed or the store fails; none of the records may be relied on then.
    public func append(contentsOf events: [AuditEvent]) async throws(AuditError) -> [AuditRecord] {
        guard !events.isEmpty else { return [] }
        if let unverifiedBreak {
            throw AuditError(
                code: .unverified,
                detail: "\(unverifiedBreak.failure.rawValue) at seq \(unverifiedBreak.seq): run `lienthong audit seal`")
        }
        // The keyed hash does not depend on the chain: the caller computes it, in parallel with other callers, and
        // the single writer only links, hashes and stores.
        let subjectHMACs = events.map { $0.subjectKey.map(subjectHMAC) }
        do {
            return try await withCheckedThrowingContinuation { continuation in
                let pending = PendingAppend(events: events, subjectHMACs: subjectHMACs, continuation: continuation)
                if !queue.enqueue(pending) {
                    continuation.resume(throwing: AuditError(code: .closed, detail: "the audit log is closed"))
                }
            }
        } catch let error as AuditError {
            throw error
        } catch {
            throw AuditError(code: .storage, detail: "audit append failed")
        }
    }

    /// The keyed hash (hex HMAC-SHA-256) the log stores for a subject identifier.
    public func subjectHMAC(_ key: String) -> String {
        Hex.encode(HMAC.sha256(key: subjectKey, data: Array(key.utf8)))
    }

    /// Records for a request id (of every node sharing the store). A record `append` returned is visible to this
    /// separate reader.
    public func records(requestID: String) throws(AuditError) -> [AuditRecord] {
        try storage.records(requestID: requestID)
    }

    /// Records about one subject identifier, in order.
    public func records(subjectKey key: String) throws(AuditError) -> [AuditRecord] {
        try storage.records(subjectHMAC: subjectHMAC(key), outcome: nil)
    }

    /// Records made in `[from, to)` (by their `recordedAt`), in sequence order: e.g. one month for
    /// ``AuditReport/monthly(records:month:)``.
    public func records(from: Date, to: Date) throws(AuditError) -> [AuditRecord] {
        try storage.records(from: from, to: to)
    }

    /// Who read a person's data: the allowed exchanges about `subjectKey`, oldest first.
    ///
    /// Denied and failed requests released nothing and are left out.
    public func accesses(subjectKey key: String) throws(AuditError) -> [AuditAccess] {
        try storage.records(subjectHMAC: subjectHMAC(key), outcome: .allowed).map(AuditAccess.init(record:))
    }

    /// Brings the lookup index up to date now rather than within the indexer's next second.
    public func indexLookups() throws(AuditError) {
        try storage.indexLookups()
    }

    /// The writer's counters so far, with the events waiting now (for metrics).
    public var statistics: AuditLogStatistics {
        var statistics = counters.snapshot
        statistics.queueDepth = queue.count
        return statistics
    }

    /// The last checkpoint committed, read without waiting on the writer.
    public func lastCheckpoint() throws(AuditError) -> AuditCheckpoint? {
        try storage.lastCheckpoint()
    }

    /// Writes what is pending and a final checkpoint, then stops the writer. Later appends fail with
    /// `audit.closed`.
    public func close() {
        queue.close()
        queue.waitUntilFinished()
        storage.close()
    }

    /// Records of the log at `path` whose `key` is `value` (and whose outcome is `outcome`, if given), in order:
    /// through the lookup index where it has them, by a scan for the rest.
    static func lookUp(
        _ path: String, _ key: AuditLookupIndex.Key, _ value: String, outcome: AuditEvent.Outcome? = nil
    ) throws(AuditError) -> [AuditRecord] {
        let reader = try openReader(path)
        let through = AuditLookupIndex.attach(to: reader, logPath: path)
        var condition = AuditLookupIndex.condition(key, indexed: through != nil)
        // An outcome is one of a fixed set of words, never caller text.
        if let outcome { condition += " AND outcome = '\(outcome.rawValue)'" }
        return try reader.records(
            where: condition, [.text(value)] + AuditLookupIndex.parameters(value, through: through))
    }

    static func openReader(_ path: String) throws(AuditError) -> AuditStore {
        do {
            return try AuditStore(path: path, readOnly: true)
        } catch {
            throw AuditError(code: .storage, detail: "cannot open the audit log for reading (\(error.code))")
        }
    }

    private func writerLoop() {
        var lastBatch = 0
        while true {
            // Under concurrency, let the next batch gather: each commit costs an fsync and rewrites the same
            // tail pages, so fewer, larger batches cost less CPU per record. The callers of the last batch are
            // likely to come back, so the wait ends as soon as as many are pending. A lone caller never waits.
            if lastBatch >= 2 { queue.gather(count: lastBatch, seconds: Self.gatherWindow) }
            guard let taken = queue.take() else {
                lastBatch = 0
                if !waitForWork() { writeCheckpointAlone(onClose: false) }
                continue
            }
            lastBatch = taken.elements.count
            if !taken.elements.isEmpty {
                write(taken.elements)
            } else {
                // Only when nothing is pending: the close checkpoint covers everything written.
                writeCheckpointAlone(onClose: true)
                break
            }
        }
        queue.finish()
    }

    /// Sleeps until an append or `close()` wakes the writer (`true`) or the checkpoint interval passes (`false`).
    private func waitForWork() -> Bool {
        guard let signer, let deadline = schedule?.deadline(head: chain.lastSeq) else {
            return queue.sleep(seconds: nil)
        }
        // The deadline is on the injected clock; wait the remaining interval on the real one, then ask the clock
        // again. A wake-up that arrives after the timeout stays in the semaphore and only costs one more turn.
        return queue.sleep(seconds: deadline.timeIntervalSince(signer.now()))
    }

    /// Writes a batch, with a checkpoint in the same transaction when one is due.
    private func write(_ batch: [PendingAppend]) {
        if headInDoubt {
            do {
                chain = try storage.head()
                headInDoubt = false
            } catch {
                for appended in batch { appended.continuation.resume(throwing: error) }
                return
            }
        }
        var next = chain
        // By index: iterating the batch copies each element (every string of its events retained and released).
        var records: [AuditRecord] = []
        records.reserveCapacity(batch.count)
        for index in batch.indices {
            for (event, hmac) in zip(batch[index].events, batch[index].subjectHMACs) {
                records.append(next.append(event, subjectHMAC: hmac))
            }
        }
        do throws(AuditError) {
            var checkpoint: AuditCheckpoint?
            var time = Date()
            if let signer, let schedule {
                time = signer.now()
                if case .checkpoint = schedule.decide(head: next.lastSeq, at: time) {
                    checkpoint = try signer.sign(seq: next.lastSeq, hash: next.headHash, at: time)
                }
            }
            let started = ContinuousClock.now
            do throws(AuditError) {
                try storage.insert(records, checkpoint: checkpoint)
            } catch {
                headInDoubt = true
                counters.update { $0.committed(size: records.count, seconds: 0, failed: true) }
                throw error
            }
            let seconds = started.duration(to: .now).secondsValue
            counters.update {
                $0.committed(size: records.count, seconds: seconds, failed: false)
                $0.headSeq = Int(next.lastSeq)
            }
            chain = next
            if let checkpoint {
                schedule?.checkpointed(seq: checkpoint.seq, at: time)
                // After the commit: a witness never holds a head the log lacks. A witness that fails withholds
                // this batch's responses; the next checkpoint tries again.
                try witness?.witness(checkpoint)
                afterCheckpoint?(checkpoint)
            }
            var first = 0
            for index in batch.indices {
                let count = batch[index].events.count
                batch[index].continuation.resume(returning: Array(records[first..<first + count]))
                first += count
            }
        } catch {
            for index in batch.indices { batch[index].continuation.resume(throwing: error) }
        }
    }

    /// Signs the head on close or when the interval passed with no new batch.
    private func writeCheckpointAlone(onClose: Bool) {
        guard let signer, let schedule else { return }
        let time = signer.now()
        let decision =
            onClose ? schedule.decideOnClose(head: chain.lastSeq) : schedule.decide(head: chain.lastSeq, at: time)
        guard case .checkpoint = decision else { return }
        // A failure here leaves the records unprotected (verification reports how many); the next batch or
        // timer tries again.
        guard let checkpoint = try? signer.sign(seq: chain.lastSeq, hash: chain.headHash, at: time),
            (try? storage.insert([], checkpoint: checkpoint)) != nil
        else {
            // Retry on the next interval rather than spinning.
            self.schedule?.checkpointed(seq: schedule.lastSeq, at: time)
            return
        }
        self.schedule?.checkpointed(seq: checkpoint.seq, at: time)
        // No caller waits here; a witness that fails now is brought up to date by the next checkpoint.
        try? witness?.witness(checkpoint)
        afterCheckpoint?(checkpoint)
    }
}
