public import Foundation
import LienthongJSON
import LienthongStorage
public import LienthongTrust
import LienthongCore

extension AuditLog {
    /// The default database: `$LIENTHONG_DATA_DIR/audit.sqlite`, else `.lienthong/audit.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let directory = environment["LIENTHONG_DATA_DIR"], !directory.isEmpty {
            return URL(fileURLWithPath: directory).appendingPathComponent("audit.sqlite").path
        }
        return ".lienthong/audit.sqlite"
    }

    /// Reads every record of the log at `path` and checks the chain and the checkpoints' hashes (not their
    /// signatures: see ``verify(path:trust:)``).
    public static func verify(path: String) throws(AuditError) -> AuditVerification {
        try verify(path: path, trust: nil)
    }

    /// Verifies an audit database or a JSON Lines export at `path`, offline.
    ///
    /// Checks every record's sequence number, link and hash, and every checkpoint: its signature against
    /// `trust` (at the checkpoint's time, for the member it names) and its hash against the record it covers.
    /// Checkpoints beyond the last record mean truncation. An export that starts after sequence number 1 is
    /// checked from its first record's `prevHash` (``AuditVerification/startedMidChain``). Breaks an operator
    /// sealed are listed in ``AuditVerification/sealedBreaks``.
    ///
    /// With a witness, the log must reach the latest witnessed head with the same hash: a log shorter than it
    /// (or deleted, or empty) is ``AuditVerification/Failure/truncated``, another hash there is
    /// ``AuditVerification/Failure/replaced``.
    /// - Parameters:
    ///   - trust: the anchors; `nil` skips signature checks (of checkpoints and of the witnessed head).
    ///   - witness: the witness of the node's heads; `nil` compares with none.
    ///   - timestampAnchors: the roots of the time-stamping authority: with them, every stored RFC 3161 stamp of
    ///     a database's checkpoints is checked; `nil` checks none.
    /// - Throws: ``AuditError`` if the file cannot be read or an export line is not a record or checkpoint;
    ///   ``AuditError/Code/witness`` if the witness cannot be read or its head's signature does not verify.
    public static func verify(
        path: String, trust: CertificateVerifier?, witness: (any AuditWitness)? = nil,
        timestampAnchors: [Certificate]? = nil
    ) throws(AuditError) -> AuditVerification {
        let witnessed = try witness?.latestHead()
        if let witnessed, let trust {
            do {
                _ = try witnessed.verify(trust: trust)
            } catch {
                throw AuditError(
                    code: .witness,
                    detail: "the witnessed head \(witnessed.seq) does not verify (\(error.code.wireCode))")
            }
        }
        // A deleted log holds no record: against a witness that is a truncation, not a read error.
        if witnessed != nil, !FileManager.default.fileExists(atPath: path) {
            var verifier = AuditChainVerifier(trust: trust, witnessed: witnessed)
            return verifier.finish()
        }
        if try isSQLite(path) {
            let store = try openReader(path)
            var verifier = AuditChainVerifier(trust: trust, witnessed: witnessed)
            for seal in try store.seals() { verifier.add(seal) }
            for checkpoint in try store.checkpoints() { verifier.add(checkpoint) }
            try store.forEachRecord { record in
                verifier.add(record)
                return !verifier.hasFailed
            }
            var result = verifier.finish()
            if let timestampAnchors { try verifyTimestamps(store, anchors: timestampAnchors, into: &result) }
            return result
        }
        if AuditExport.isArchive(path: path) {
            throw AuditError(code: .corrupt, detail: "an archive of several nodes' chains: verify each chain")
        }
        var verifier = AuditChainVerifier(trust: trust, start: .firstRecord, witnessed: witnessed)
        // Seals first: a break before a seal is reported as sealed only if the verifier knows the seal is coming.
        try AuditExport.read(path: path) { item in
            if case .seal(let seal) = item { verifier.add(seal) }
            return true
        }
        try AuditExport.read(path: path) { item in
            switch item {
            case .record(let record): verifier.add(record)
            case .checkpoint(let checkpoint): verifier.add(checkpoint)
            case .seal: break
            case .chain: break
            }
            return !verifier.hasFailed
        }
        return verifier.finish()
    }

    /// Every record of the log at `path`, in order.
    public static func allRecords(path: String) throws(AuditError) -> [AuditRecord] {
        try openReader(path).records()
    }

    /// Every checkpoint of the log at `path`, in order.
    public static func checkpoints(path: String) throws(AuditError) -> [AuditCheckpoint] {
        try openReader(path).checkpoints()
    }

    /// Records of the log at `path` made in `[from, to)`, in sequence order.
    public static func records(path: String, from: Date, to: Date) throws(AuditError) -> [AuditRecord] {
        try openReader(path).records(
            where: "recorded_at >= ?1 AND recorded_at < ?2",
            [.text(Timestamp.rfc3339(from, milliseconds: true)), .text(Timestamp.rfc3339(to, milliseconds: true))])
    }

    /// Writes the log at `path` as JSON Lines: one `{"type":"record",…}` line per record, each checkpoint's
    /// `{"type":"checkpoint",…}` line right after the record it covers.
    ///
    /// With a range, the export holds the contiguous run of records from the first made at or after `from` to
    /// the last made before `to`, so it verifies as one piece of the chain.
    /// - Parameters:
    ///   - from: the start (inclusive); `nil` from the first record.
    ///   - to: the end (exclusive); `nil` to the last record.
    ///   - emit: called with each line, newline included.
    /// - Returns: how many records and checkpoints were written.
    @discardableResult
    public static func export(
        path: String, from: Date? = nil, to: Date? = nil, _ emit: (String) -> Void
    ) throws(AuditError) -> (records: Int, checkpoints: Int) {
        let store = try openReader(path)
        let low = from.map { Timestamp.rfc3339($0, milliseconds: true) } ?? ""
        let high = to.map { Timestamp.rfc3339($0, milliseconds: true) } ?? "~"  // '~' sorts after every timestamp character
        guard let range = try store.seqRange(from: low, to: high) else { return (0, 0) }
        let bounds: [SQLiteValue] = [.integer(range.lowerBound), .integer(range.upperBound)]
        // An export that runs to the end takes the checkpoints and seals after the last record too.
        let upper: SQLiteValue = .integer(to == nil ? Int64.max : range.upperBound)
        let checkpoints = try store.checkpoints(where: "seq BETWEEN ?1 AND ?2", [bounds[0], upper])
        let seals = try store.seals().filter { seal in
            seal.seq > range.lowerBound && (to == nil || seal.seq < range.upperBound)
        }
        let counts = try AuditExport.writeChain(
            checkpoints: checkpoints, seals: seals,
            records: { (body: (AuditRecord) -> Bool) throws(AuditError) in
                try store.forEachRecord(where: "seq BETWEEN ?1 AND ?2", bounds, body)
            }, emit)
        return (counts.records, counts.checkpoints)
    }

    /// Whether `path` is an SQLite database (by its 16-byte header), as opposed to an export.
    static func isSQLite(_ path: String) throws(AuditError) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw AuditError(code: .storage, detail: "cannot open \(path)")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        // A live WAL database may still be empty on disk: its first pages are in the write-ahead log.
        if header.isEmpty { return FileManager.default.fileExists(atPath: path + "-wal") }
        return header.elementsEqual(Array("SQLite format 3".utf8) + [0])
    }
}
