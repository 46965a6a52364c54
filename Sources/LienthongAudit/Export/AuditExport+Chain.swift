import Foundation
public import LienthongTrust

extension AuditExport {
    /// What one chain's lines hold: how many records and checkpoints, and its last record.
    public struct ChainCounts: Sendable, Hashable {
        /// Record lines written.
        public var records = 0
        /// Checkpoint lines written.
        public var checkpoints = 0
        /// The last record written, if any.
        public var last: (seq: Int64, hash: String)? {
            lastSeq.map { ($0, lastHash) }
        }
        var lastSeq: Int64?
        var lastHash = ""

        /// No lines yet.
        public init() {}
    }

    /// Writes one chain's lines in export order: each checkpoint right after the record or seal it covers, each
    /// seal before the records that follow it. SQLite exports and PostgreSQL archives share it, so both verify the
    /// same way.
    /// - Parameters:
    ///   - checkpoints: the chain's checkpoints within the run, in order.
    ///   - seals: the chain's seals within the run, in order.
    ///   - forEachRecord: calls its argument with each record of the run, in order, until it returns `false`.
    ///   - emit: called with each line, newline included.
    public static func writeChain(
        checkpoints: [AuditCheckpoint], seals: [AuditSeal],
        records forEachRecord: ((AuditRecord) -> Bool) throws(AuditError) -> Void, _ emit: (String) -> Void
    ) throws(AuditError) -> ChainCounts {
        // The record callback and `emit` are both non-escaping; the callback only ever runs within this call.
        try withoutActuallyEscaping(emit) { (emit) throws(AuditError) -> ChainCounts in
            try writeChain(checkpoints: checkpoints, seals: seals, records: forEachRecord, escaping: emit)
        }
    }

    private static func writeChain(
        checkpoints: [AuditCheckpoint], seals: [AuditSeal],
        records forEachRecord: ((AuditRecord) -> Bool) throws(AuditError) -> Void,
        escaping emit: @escaping (String) -> Void
    ) throws(AuditError) -> ChainCounts {
        var checkpoints = checkpoints[...]
        var seals = seals[...]
        var counts = ChainCounts()
        func emitCheckpoints(upTo seq: Int64) {
            while let checkpoint = checkpoints.first, checkpoint.seq <= seq {
                checkpoints.removeFirst()
                emit(line(checkpoint.json))
                counts.checkpoints += 1
            }
        }
        func emitSeal(_ seal: AuditSeal) {
            emitCheckpoints(upTo: seal.seq - 1)
            emit(line(seal.json))
            emitCheckpoints(upTo: seal.seq)
        }
        try forEachRecord { record in
            while let seal = seals.first, seal.seq < record.seq { emitSeal(seals.removeFirst()) }
            emit(line(record.exportLine))
            counts.records += 1
            counts.lastSeq = record.seq
            counts.lastHash = record.hash
            emitCheckpoints(upTo: record.seq)
            return true
        }
        for seal in seals { emitSeal(seal) }
        emitCheckpoints(upTo: .max)
        return counts
    }

    /// Whether the file at `path` is an archive of several chains: its first line is a chain line. Reads that
    /// line only; a missing file, a database or another export is not one.
    public static func isArchive(path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let start = (try? handle.read(upToCount: 4_096)) ?? Data()
        let line = start.prefix { $0 != UInt8(ascii: "\n") }
        if case .chain? = try? item(line: line) { return true }
        return false
    }

    /// Verifies each chain of an archive on its own, as `audit verify` does one export: from its first record's
    /// `prevHash`, its checkpoints' signatures against `trust` (when given), its seals.
    /// - Returns: each chain's result, in the archive's order.
    /// - Throws: ``AuditError`` if the file cannot be read or a line is not an export line; a node whose chain
    ///   appears twice is ``AuditError/Code/corrupt``.
    public static func verifyChains(path: String, trust: CertificateVerifier?) throws(AuditError)
        -> [(nodeID: String, verification: AuditVerification)]
    {
        // Seals first, per chain: a break before a seal is sealed only if the verifier knows the seal is coming.
        var seals: [String: [AuditSeal]] = [:]
        var order: [String] = []
        var current: String?
        var repeated: String?
        try read(path: path) { item in
            switch item {
            case .chain(let node):
                if seals[node] != nil { repeated = node }
                seals[node] = []
                order.append(node)
                current = node
            case .seal(let seal): if let current { seals[current, default: []].append(seal) }
            case .record, .checkpoint: break
            }
            return repeated == nil
        }
        if let repeated { throw AuditError(code: .corrupt, detail: "the chain of node \(repeated) appears twice") }
        guard !order.isEmpty else { throw AuditError(code: .corrupt, detail: "the export has no chain line") }
        var results: [(nodeID: String, verification: AuditVerification)] = []
        var verifier: AuditChainVerifier?
        var outside = false
        try read(path: path) { item in
            switch item {
            case .chain(let node):
                if let done = verifier, let last = results.last?.nodeID {
                    results[results.count - 1] = (last, done.finished())
                }
                var next = AuditChainVerifier(trust: trust, start: .firstRecord)
                for seal in seals[node] ?? [] { next.add(seal) }
                verifier = next
                results.append((node, AuditVerification(recordsChecked: 0, firstBad: nil)))
            case .record(let record): if verifier == nil { outside = true } else { verifier?.add(record) }
            case .checkpoint(let checkpoint):
                if verifier == nil { outside = true } else { verifier?.add(checkpoint) }
            case .seal: if verifier == nil { outside = true }
            }
            return !outside
        }
        if outside { throw AuditError(code: .corrupt, detail: "a line comes before the first chain line") }
        if let done = verifier { results[results.count - 1] = (results[results.count - 1].nodeID, done.finished()) }
        return results
    }
}

extension AuditChainVerifier {
    /// ``finish()`` on a copy, for a caller holding the verifier in an optional.
    fileprivate func finished() -> AuditVerification {
        var copy = self
        return copy.finish()
    }
}
