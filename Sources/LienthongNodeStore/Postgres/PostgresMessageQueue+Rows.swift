import Foundation
import LienthongStorage
import LienthongTrust

extension PostgresMessageQueue {
    /// Runs `body`, its failure as a ``MessageQueueError/Code/storage`` of `operation`.
    func run<T>(
        _ operation: String, _ body: () async throws(PostgresError) -> T
    ) async throws(MessageQueueError) -> T {
        do throws(PostgresError) {
            return try await body()
        } catch {
            throw MessageQueueError(.storage, "\(operation): \(error.code.wireCode)")
        }
    }

    /// Runs one statement that changes at most one row; whether it did.
    func change(_ sql: String, _ parameters: [String?]) async throws(MessageQueueError) -> Bool {
        try await run("write") { () async throws(PostgresError) in
            try await pool.query(sql, parameters, prepared: true).affectedRows == 1
        }
    }

    /// The records a `SELECT` of ``columns`` with `clause` finds.
    func records(_ clause: String, _ parameters: [String?]) async throws(MessageQueueError) -> [MessageRecord] {
        try await rows("read", "SELECT \(Self.columns) FROM lienthong.messages \(clause)", parameters)
    }

    /// The records of a statement returning ``columns``, each with its attachments (read on the same connection).
    func rows(
        _ operation: String, _ sql: String, _ parameters: [String?]
    ) async throws(MessageQueueError) -> [MessageRecord] {
        let found = PostgresStatement(sql, parameters, prepared: true)
        let results = try await run(operation) { () async throws(PostgresError) in
            try await pool.run { done in
                switch done.count {
                case 0: return found
                case 1 where !done[0].rows.isEmpty:
                    return PostgresStatement(
                        """
                        SELECT message_id, name, media_type, sha256, length FROM lienthong.message_attachments
                        WHERE message_id = ANY($1::text[]) ORDER BY message_id, position
                        """, [Self.textArray(done[0].rows.map { $0[0] ?? "" })], prepared: true)
                default: return nil
                }
            }
        }
        guard results.count == 2 else { return [] }
        let byMessage = Dictionary(grouping: results[1].rows) { $0[0] ?? "" }
        return results[0].rows.map { row in
            Self.record(
                row,
                attachments: (byMessage[row[0] ?? ""] ?? []).map {
                    QueuedMessage.Attachment(
                        name: $0[1] ?? "", mediaType: $0[2] ?? "", sha256: $0[3] ?? "",
                        length: Int($0[4] ?? "") ?? 0)
                })
        }
    }

    static func record(_ row: [String?], attachments: [QueuedMessage.Attachment]) -> MessageRecord {
        let message = QueuedMessage(
            id: row[0] ?? "", sender: row[1] ?? "", recipient: row[2] ?? "", purpose: row[3] ?? "",
            subject: row[4] ?? "", envelope: bytes(row[5]) ?? [], messageHash: row[6] ?? "", attachments: attachments,
            acceptedAt: date(row[7]) ?? Date(timeIntervalSince1970: 0),
            expiresAt: date(row[8]) ?? Date(timeIntervalSince1970: 0))
        return MessageRecord(
            message: message, state: row[9].flatMap(MessageState.init(rawValue:)) ?? .queued,
            attempts: Int(row[10] ?? "") ?? 0, nextAttemptAt: date(row[11]), deliveredAt: date(row[12]),
            acknowledgedAt: date(row[13]), deliveryReceipt: bytes(row[14]), readReceipt: bytes(row[15]),
            lastError: row[16])
    }

    /// A `bytea` parameter in the text protocol: `\x` and hex.
    static func bytea(_ bytes: [UInt8]) -> String { "\\x" + Hex.encode(bytes) }

    /// The bytes of a `bytea` column as the server sends it in text (`\x` and hex, the default `bytea_output`).
    static func bytes(_ text: String?) -> [UInt8]? {
        guard let text, text.hasPrefix("\\x") else { return nil }
        return Hex.decode(text.dropFirst(2))
    }

    /// A `text[]` literal: each element quoted, its `"` and `\` escaped.
    static func textArray(_ values: [String]) -> String {
        let quoted = values.map {
            "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return "{" + quoted.joined(separator: ",") + "}"
    }

    static func milliseconds(_ date: Date) -> String { String(Int64((date.timeIntervalSince1970 * 1000).rounded())) }

    static func date(_ milliseconds: String?) -> Date? {
        guard let milliseconds, let value = Int64(milliseconds) else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(value) / 1000)
    }
}
