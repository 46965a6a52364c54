import Foundation
import LienthongStorage
import LienthongTrust

/// The durable, hash-chained audit log: `append` returns only once the record is committed and fsync'd.
///
/// Appends are group-committed: one writer thread takes every pending event, writes them in one
/// transaction (one fsync) and then resumes all their callers, so durability does not cost one fsync
/// per request.
public final class AuditLog: @unchecked Sendable {
    // @unchecked: all mutable state is guarded by `condition`; the store is touched only by the writer thread.
    private let condition = NSCondition()
    private var pending: [(AuditEvent, CheckedContinuation<AuditRecord, any Error>)] = []
    private var closing = false
    private var writerFinished = false
    private var chain: AuditChain
    private let store: AuditStore
    private let subjectKey: [UInt8]
    private let path: String

    /// Opens or creates the log at `path`.
    /// - Parameter subjectKey: the node secret for the keyed hash of subject identifiers.
    public init(path: String, subjectKey: [UInt8]) throws(AuditError) {
        do {
            store = try AuditStore(path: path)
            chain = try store.head()
        } catch {
            throw AuditError(code: .storage, detail: "cannot open the audit log (\(error.code))")
        }
        self.subjectKey = subjectKey
        self.path = path
        let thread = Thread { [self] in writerLoop() }
        thread.name = "lienthong-audit"
        thread.start()
    }

    /// Appends an event and returns its record once it is durable.
    /// - Throws: ``AuditError`` if the log is closed or the store fails; the caller must not send the response.
    public func append(_ event: AuditEvent) async throws(AuditError) -> AuditRecord {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                condition.lock()
                defer { condition.unlock() }
                guard !closing else {
                    continuation.resume(throwing: AuditError(code: .closed, detail: "the audit log is closed"))
                    return
                }
                pending.append((event, continuation))
                condition.signal()
            }
        } catch let error as AuditError {
            throw error
        } catch {
            throw AuditError(code: .storage, detail: "audit append failed")
        }
    }

    /// The keyed hash (hex HMAC-SHA-256) the log stores for a subject identifier.
    public func subjectHMAC(_ key: String) -> String {
        HMAC.sha256(key: subjectKey, data: Array(key.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Records for a request id (read on the writer's connection after pending writes are flushed is not
    /// needed: committed records are visible to a new reader).
    public func records(requestID: String) throws(AuditError) -> [AuditRecord] {
        try Self.openReader(path).records(where: "request_id = ?1", [.text(requestID)])
    }

    /// Records about one subject identifier, in order.
    public func records(subjectKey key: String) throws(AuditError) -> [AuditRecord] {
        try Self.openReader(path).records(where: "subject_hmac = ?1", [.text(subjectHMAC(key))])
    }

    /// Writes what is pending, then stops the writer. Later appends fail with `audit.closed`.
    public func close() {
        condition.lock()
        closing = true
        condition.broadcast()
        while !writerFinished { condition.wait() }
        condition.unlock()
    }

    /// Reads every record of the log at `path` and checks the chain.
    public static func verify(path: String) throws(AuditError) -> AuditVerification {
        AuditVerification.check(try openReader(path).records())
    }

    /// Every record of the log at `path`, in order.
    public static func allRecords(path: String) throws(AuditError) -> [AuditRecord] {
        try openReader(path).records()
    }

    private static func openReader(_ path: String) throws(AuditError) -> AuditStore {
        do {
            return try AuditStore(path: path, readOnly: true)
        } catch {
            throw AuditError(code: .storage, detail: "cannot open the audit log for reading (\(error.code))")
        }
    }

    private func writerLoop() {
        while true {
            condition.lock()
            while pending.isEmpty && !closing { condition.wait() }
            let batch = pending
            pending.removeAll(keepingCapacity: true)
            let stop = closing && batch.isEmpty
            var records: [AuditRecord] = []
            var next = chain
            for (event, _) in batch {
                records.append(next.append(event, subjectHMAC: event.subjectKey.map(subjectHMAC)))
            }
            condition.unlock()
            if stop { break }

            do {
                try store.insert(records)
                condition.lock()
                chain = next
                condition.unlock()
                for (record, (_, continuation)) in zip(records, batch) { continuation.resume(returning: record) }
            } catch {
                let failure = AuditError(code: .storage, detail: "writing audit records failed (\(error.code))")
                for (_, continuation) in batch { continuation.resume(throwing: failure) }
            }
        }
        condition.lock()
        writerFinished = true
        condition.broadcast()
        condition.unlock()
    }
}
