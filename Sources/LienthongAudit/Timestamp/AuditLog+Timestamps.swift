import Foundation
import LienthongJSON
import LienthongStorage
import LienthongTrust
import LienthongCore

extension AuditCheckpoint {
    /// What an RFC 3161 time stamp of the checkpoint covers: SHA-256 of the JCS bytes of its export line
    /// (``json``), so the stamp binds the sequence number, the hash, the time, the node and the signature.
    public var timestampDigest: [UInt8] {
        // Strings and integers only: canonicalisation cannot fail.
        Digest.sha256((try? JCS.canonicalize(json)) ?? [])
    }
}

extension AuditLog {
    /// How far a checkpoint's own time may be after the time its stamp vouches for (clocks differ).
    static let timestampSkew: TimeInterval = 300

    /// Stores the RFC 3161 token of checkpoint `seq` (over ``AuditCheckpoint/timestampDigest``) in the log at
    /// `path`, beside the checkpoints. A stamp arrives after its checkpoint, off the commit path.
    /// - Throws: ``AuditError/Code/storage`` if it cannot be written.
    public static func storeTimestamp(path: String, seq: Int64, token: [UInt8]) throws(AuditError) {
        do {
            _ = try SQLiteDatabase(path: path, mode: .readWrite).query(
                "INSERT OR REPLACE INTO audit_timestamps (seq, token) VALUES (?1, ?2)", [.integer(seq), .blob(token)])
        } catch {
            throw AuditError(
                code: .storage, detail: "storing the time stamp of checkpoint \(seq) failed (\(error.code))")
        }
    }

    /// The stored time-stamp tokens of the log at `path`, by checkpoint sequence number.
    public static func timestamps(path: String) throws(AuditError) -> [Int64: [UInt8]] {
        try openReader(path).timestamps()
    }

    /// Checks every stored stamp of the log at `path` against the TSA `anchors`: it verifies over its checkpoint's
    /// ``AuditCheckpoint/timestampDigest``, and the checkpoint's time is not after the stamp's (beyond a skew).
    /// Adds to `result` the count checked, or the first failure (``AuditVerification/Failure/timestamp``).
    static func verifyTimestamps(
        _ store: AuditStore, anchors: [Certificate], into result: inout AuditVerification
    ) throws(AuditError) {
        let tokens = try store.timestamps()
        result.timestampsVerified = true
        for checkpoint in try store.checkpoints() {
            guard let token = tokens[checkpoint.seq] else { continue }
            do throws(TrustError) {
                let stamped = try TimestampToken.verify(token, sha256: checkpoint.timestampDigest, anchors: anchors)
                guard let time = Timestamp.parse(checkpoint.time), time <= stamped + timestampSkew else {
                    throw TrustError(.badSignature, "the checkpoint's time is after its stamp's")
                }
                result.timestampsChecked += 1
            } catch {
                if result.firstBad == nil {
                    result.firstBad = AuditVerification.Finding(
                        seq: checkpoint.seq, failure: .timestamp, detail: "\(error.code.wireCode): \(error.detail)")
                }
                return
            }
        }
    }
}
