import Foundation
import LienthongCore
import LienthongTrust

/// The head of the hash chain and the rule that extends it: pure, no storage.
public struct AuditChain: Sendable, Hashable {
    /// The `prevHash` of the first record.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// The sequence number of the last record (0 when empty).
    public private(set) var lastSeq: Int64
    /// The hash of the last record (``genesisHash`` when empty).
    public private(set) var headHash: String

    /// The node whose chain this is, written into each record, when several nodes share one store; `nil` for an
    /// embedded log.
    public let nodeID: String?

    /// A chain continuing after `lastSeq` with head `headHash`.
    public init(lastSeq: Int64 = 0, headHash: String = AuditChain.genesisHash, nodeID: String? = nil) {
        self.lastSeq = lastSeq
        self.headHash = headHash
        self.nodeID = nodeID
    }

    /// Appends an event: assigns the next sequence number, links it to the head, hashes it.
    /// - Parameter subjectHMAC: the keyed hash of the event's subject key, computed by the caller.
    public mutating func append(_ event: AuditEvent, subjectHMAC: String?) -> AuditRecord {
        var record = AuditRecord(
            seq: lastSeq + 1,
            recordedAt: Timestamp.rfc3339(event.time, milliseconds: true),
            requestID: event.requestID,
            consumer: event.consumer,
            provider: event.provider,
            service: event.service,
            purpose: event.purpose,
            subjectHMAC: subjectHMAC,
            fields: event.fields,
            outcome: event.outcome,
            status: event.status,
            problemCode: event.problemCode,
            latencyMicroseconds: event.latencyMicroseconds,
            messageSHA256: event.messageSHA256,
            requestSHA256: event.requestSHA256,
            documentSHA256: event.documentSHA256,
            prevHash: headHash,
            hash: "",
            nodeID: nodeID
        )
        record.hash = Self.hash(of: record)
        lastSeq = record.seq
        headHash = record.hash
        return record
    }

    /// The hash a record must carry: hex SHA-256 of JCS(content).
    public static func hash(of record: AuditRecord) -> String {
        Hex.encode(Digest.sha256(record.canonicalContent()))
    }
}
