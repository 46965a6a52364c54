import Foundation
import LienthongAudit
import LienthongCore
import LienthongStorage
import LienthongTrust

extension PostgresAuditStorage {
    /// The columns a record is read from, in ``record(from:)`` order.
    static let columns = """
        node_id, seq, recorded_at, request_id, consumer, provider, service, purpose, subject_hmac, fields, outcome, \
        status, problem_code, latency_us, message_sha256, request_sha256, document_sha256, prev_hash, hash
        """
    /// How many records one page of a chain walk reads.
    static let pageSize = 5_000

    /// `INSERT` of `rows` records, 20 parameters each, in ``parameters(_:)`` order.
    static func insertStatement(rows: Int) -> String {
        let values = (0..<rows).map { row in
            "(" + (1...20).map { "$\(row * 20 + $0)" }.joined(separator: ", ") + ")"
        }
        return """
            INSERT INTO lienthong.audit_records (node_id, seq, recorded_time, recorded_at, request_id, consumer, \
            provider, service, purpose, subject_hmac, fields, outcome, status, problem_code, latency_us, \
            message_sha256, request_sha256, document_sha256, prev_hash, hash) VALUES \(values.joined(separator: ", "))
            """
    }

    /// The 20 values of a record's row.
    func parameters(_ record: AuditRecord) -> [String?] {
        [
            nodeID, String(record.seq), record.recordedAt, record.recordedAt, record.requestID, record.consumer,
            record.provider, record.service, record.purpose, record.subjectHMAC, record.fields.joined(separator: ","),
            record.outcome.rawValue, String(record.status), record.problemCode, String(record.latencyMicroseconds),
            record.messageSHA256, record.requestSHA256, record.documentSHA256, record.prevHash, record.hash,
        ]
    }

    /// A record from a row of ``columns``; `nil` if a required value is missing or malformed.
    static func record(from row: [String?]) -> AuditRecord? {
        guard row.count == 19, let seq = row[1].flatMap({ Int64($0) }), let recordedAt = row[2],
            let requestID = row[3], let fields = row[9], let outcome = row[10].flatMap(AuditEvent.Outcome.init),
            let status = row[11].flatMap({ Int($0) }), let latency = row[13].flatMap({ Int($0) }),
            let prevHash = row[17], let hash = row[18]
        else { return nil }
        return AuditRecord(
            seq: seq, recordedAt: recordedAt, requestID: requestID, consumer: row[4], provider: row[5],
            service: row[6], purpose: row[7], subjectHMAC: row[8],
            fields: fields.isEmpty ? [] : fields.split(separator: ",").map(String.init), outcome: outcome,
            status: status, problemCode: row[12], latencyMicroseconds: latency, messageSHA256: row[14],
            requestSHA256: row[15], documentSHA256: row[16], prevHash: prevHash, hash: hash, nodeID: row[0])
    }

    /// Every node's records matching `condition`, oldest first (by time, then node and sequence number).
    func records(where condition: String, _ parameters: [String?]) throws(AuditError) -> [AuditRecord] {
        let rows = try read("reading audit records") { connection throws(PostgresError) in
            try connection.query(
                """
                SELECT \(Self.columns) FROM lienthong.audit_records WHERE \(condition)
                ORDER BY recorded_time, node_id, seq
                """, parameters
            ).rows
        }
        return try Self.records(rows)
    }

    static func records(_ rows: [[String?]]) throws(AuditError) -> [AuditRecord] {
        var records: [AuditRecord] = []
        records.reserveCapacity(rows.count)
        for row in rows {
            guard let record = record(from: row) else {
                throw AuditError(code: .corrupt, detail: "an audit row has the wrong column types")
            }
            records.append(record)
        }
        return records
    }

    /// This node's checkpoints matching `condition` (`$1` is the node), in order.
    func checkpoints(where condition: String, _ parameters: [String?] = []) throws(AuditError) -> [AuditCheckpoint] {
        try Self.checkpoints(of: nodeID, where: condition, parameters) { (sql, values) throws(AuditError) in
            try read("reading audit checkpoints") { connection throws(PostgresError) in
                try connection.query(sql, values).rows
            }
        }
    }

    /// A node's checkpoints matching `condition` (`$1` is the node), in order, through `query`.
    static func checkpoints(
        of node: String, where condition: String, _ parameters: [String?] = [],
        _ query: (String, [String?]) throws(AuditError) -> [[String?]]
    ) throws(AuditError) -> [AuditCheckpoint] {
        let rows = try query(
            """
            SELECT seq, hash, time, node, protected, signature FROM lienthong.audit_checkpoints
            WHERE node_id = $1 AND \(condition) ORDER BY seq
            """, [node] + parameters)
        var checkpoints: [AuditCheckpoint] = []
        for row in rows {
            guard row.count == 6, let seq = row[0].flatMap({ Int64($0) }), let hash = row[1], let time = row[2],
                let member = row[3], let protected = row[4], let signature = row[5]
            else { throw AuditError(code: .corrupt, detail: "an audit checkpoint row has the wrong column types") }
            checkpoints.append(
                AuditCheckpoint(
                    seq: seq, hash: hash, time: time, node: member,
                    signature: JWSSignature(protected: protected, signature: signature)))
        }
        return checkpoints
    }

    /// A node's seals, in order, through `query`.
    static func seals(
        of node: String, through query: (String, [String?]) throws(AuditError) -> [[String?]]
    ) throws(AuditError) -> [AuditSeal] {
        let rows = try query(
            """
            SELECT seq, break_seq, failure, operator, time, node, prev_hash, hash FROM lienthong.audit_seals
            WHERE node_id = $1 ORDER BY seq
            """, [node])
        var seals: [AuditSeal] = []
        for row in rows {
            guard row.count == 8, let seq = row[0].flatMap({ Int64($0) }),
                let breakSeq = row[1].flatMap({ Int64($0) }), let failure = row[2], let name = row[3],
                let time = row[4], let member = row[5], let prevHash = row[6], let hash = row[7]
            else { throw AuditError(code: .corrupt, detail: "an audit seal row has the wrong column types") }
            var seal = AuditSeal(
                seq: seq, breakSeq: breakSeq, failure: failure, operatorName: name, time: time, node: member,
                prevHash: prevHash)
            seal.hash = hash
            seals.append(seal)
        }
        return seals
    }

    /// Calls `body` with a node's records after `seq`, in order, a page at a time, until it returns `false`.
    static func forEachRecord(
        of node: String, after seq: Int64, _ body: (AuditRecord) -> Bool,
        _ query: (String, [String?]) throws(AuditError) -> [[String?]]
    ) throws(AuditError) {
        var last = seq
        while true {
            let page = try records(
                query(
                    """
                    SELECT \(columns) FROM lienthong.audit_records WHERE node_id = $1 AND seq > $2
                    ORDER BY seq LIMIT \(pageSize)
                    """, [node, String(last)]))
            for record in page {
                if !body(record) { return }
                last = record.seq
            }
            if page.count < pageSize { return }
        }
    }

    /// RFC 3339 with milliseconds, as records store their time.
    static func timestamp(_ date: Date) -> String { Timestamp.rfc3339(date, milliseconds: true) }

    /// Runs `body` on the writer's session.
    func write<T>(_ what: String, _ body: (PostgresConnection) throws(PostgresError) -> T) throws(AuditError) -> T {
        do {
            return try writerSession.run(body)
        } catch {
            throw Self.storageError(what, error)
        }
    }

    /// Runs `body` on the readers' session.
    func read<T>(_ what: String, _ body: (PostgresConnection) throws(PostgresError) -> T) throws(AuditError) -> T {
        do {
            return try readerSession.run(body)
        } catch {
            throw Self.storageError(what, error)
        }
    }

    /// `audit.storage` naming what failed and the PostgreSQL code (never a value).
    static func storageError(_ what: String, _ error: PostgresError) -> AuditError {
        // The detail names the operation and the SQLSTATE only, never a value (PostgresError's rule).
        AuditError(code: .storage, detail: "\(what) failed (\(error.code.wireCode): \(error.detail))")
    }
}
