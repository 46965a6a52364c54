import Foundation
import LienthongCore
import LienthongJSON
import LienthongStorage
import Synchronization

/// `pg-insert`: the baseline of the PostgreSQL audit log. Audit-sized rows inserted straight into the node
/// tables' `lienthong.audit_records` (the same columns, indexes and monthly partitions a node writes) through libpq,
/// one row per transaction committed with `synchronous_commit = on`, by as many workers as wrk connections, each on
/// its own connection and its own node id. What the gateway's group-committed log can be compared with: the rate
/// at which the server makes single rows durable.
///
/// Prints one `direct` JSON line named `direct-pg-insert`, as ``DirectLookup`` does.
enum AuditInsertRate {
    /// One worker: a connection and the next sequence number of its own chain.
    private final class InsertSession: DirectLookup.Session {
        let connection: PostgresConnection
        let node = "bench-insert-\(UUID().uuidString.prefix(8).lowercased())"
        let seq = Atomic<Int64>(0)
        static let sql = """
            INSERT INTO lienthong.audit_records (node_id, seq, recorded_time, recorded_at, request_id, consumer, \
            provider, service, purpose, subject_hmac, fields, outcome, status, problem_code, latency_us, \
            message_sha256, request_sha256, document_sha256, prev_hash, hash) VALUES ($1, $2, $3::timestamptz, $3, \
            $4, 'VN/GOV/HCM/MOTCUA', 'VN/GOV/BCA', 'VN/GOV/BCA/DANCU/person', 'residence-verification', $5, \
            'personalId,fullName', 'allowed', 200, NULL, 1200, $6, $7, NULL, $8, $9)
            """

        init(conninfo: String) throws {
            connection = try PostgresConnection(conninfo)
            try connection.execute("SET synchronous_commit = on")
        }

        func lookup(_ key: String) throws -> Int {
            let next = seq.add(1, ordering: .relaxed).newValue
            // 64 hex characters, as every hash column of a gateway record holds.
            let hex = String(repeating: String(key.prefix(1)), count: 64)
            let time = Timestamp.rfc3339(Date(), milliseconds: true)
            try connection.query(
                Self.sql, [node, String(next), time, UUID().uuidString.lowercased(), hex, hex, hex, hex, hex],
                prepared: true)
            return 1
        }
    }

    /// Runs the workers and returns the result line.
    static func run(url: String, connections: Int, seconds: Double) throws -> JSONValue {
        try DirectLookup.measure(
            scenario: "direct-pg-insert", client: "libpq", keys: (0..<16).map { String($0, radix: 16) },
            connections: connections, seconds: seconds
        ) { try InsertSession(conninfo: url) }
    }
}
