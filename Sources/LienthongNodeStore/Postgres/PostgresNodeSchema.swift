import Foundation
import LienthongCore
import LienthongStorage

/// The tables of node state in PostgreSQL, in the schema `lienthong`: the shared replay window, and the audit log
/// of every node (`audit_records` partitioned by month on `recorded_time`, with its checkpoints, seals and the
/// heads of the months archived and detached), the message bus (`messages` with their attachment rows, and the
/// attachments' bytes in chunks named by content), and the change events (`events` with each registry's counter row
/// in `event_registries`, the baselines and the subscriptions).
///
/// Nodes that start together create the tables under one advisory lock, so `IF NOT EXISTS` never races. Monthly
/// partitions are created ahead of need: the current month and the next two at start, and any month a batch
/// reaches that was not created yet.
enum PostgresNodeSchema {
    /// The advisory lock key of schema changes (any fixed number; ours spells "LTSC").
    static let lockKey = 0x4C54_5343

    static let tables = """
        CREATE SCHEMA IF NOT EXISTS lienthong;
        CREATE TABLE IF NOT EXISTS lienthong.replay_window (
            id text PRIMARY KEY, expires_at_ms bigint NOT NULL);
        CREATE INDEX IF NOT EXISTS replay_window_expiry ON lienthong.replay_window (expires_at_ms);
        CREATE TABLE IF NOT EXISTS lienthong.audit_records (
            node_id text NOT NULL, seq bigint NOT NULL, recorded_time timestamptz NOT NULL,
            recorded_at text NOT NULL, request_id text NOT NULL, consumer text, provider text, service text,
            purpose text, subject_hmac text, fields text NOT NULL, outcome text NOT NULL, status integer NOT NULL,
            problem_code text, latency_us bigint NOT NULL, message_sha256 text, request_sha256 text,
            document_sha256 text, prev_hash text NOT NULL, hash text NOT NULL,
            PRIMARY KEY (node_id, seq, recorded_time)
        ) PARTITION BY RANGE (recorded_time);
        CREATE INDEX IF NOT EXISTS audit_records_request ON lienthong.audit_records (request_id);
        CREATE INDEX IF NOT EXISTS audit_records_subject ON lienthong.audit_records (subject_hmac);
        CREATE TABLE IF NOT EXISTS lienthong.audit_checkpoints (
            node_id text NOT NULL, seq bigint NOT NULL, hash text NOT NULL, time text NOT NULL, node text NOT NULL,
            protected text NOT NULL, signature text NOT NULL, PRIMARY KEY (node_id, seq));
        CREATE TABLE IF NOT EXISTS lienthong.audit_seals (
            node_id text NOT NULL, seq bigint NOT NULL, break_seq bigint NOT NULL, failure text NOT NULL,
            operator text NOT NULL, time text NOT NULL, node text NOT NULL, prev_hash text NOT NULL,
            hash text NOT NULL, PRIMARY KEY (node_id, seq));
        CREATE TABLE IF NOT EXISTS lienthong.audit_archives (
            node_id text NOT NULL, month text NOT NULL, records bigint NOT NULL, last_seq bigint NOT NULL,
            last_hash text NOT NULL, detached_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (node_id, month));
        CREATE TABLE IF NOT EXISTS lienthong.messages (
            id text PRIMARY KEY, sender text NOT NULL, recipient text NOT NULL, purpose text NOT NULL,
            subject text NOT NULL, envelope bytea NOT NULL, message_hash text NOT NULL, accepted_ms bigint NOT NULL,
            expires_ms bigint NOT NULL, state text NOT NULL, attempts integer NOT NULL DEFAULT 0,
            next_attempt_ms bigint, delivered_ms bigint, inbox_sequence bigint UNIQUE, acknowledged_ms bigint,
            delivery_receipt bytea, read_receipt bytea, last_error text, claimed_by text, claimed_until_ms bigint);
        ALTER TABLE lienthong.messages ADD COLUMN IF NOT EXISTS receipt_return_ms bigint;
        CREATE INDEX IF NOT EXISTS messages_due ON lienthong.messages (next_attempt_ms, accepted_ms)
            WHERE state = 'queued';
        CREATE INDEX IF NOT EXISTS messages_inbox ON lienthong.messages (recipient, inbox_sequence)
            WHERE state = 'delivered';
        CREATE SEQUENCE IF NOT EXISTS lienthong.message_inbox_sequence;
        CREATE TABLE IF NOT EXISTS lienthong.message_attachments (
            message_id text NOT NULL REFERENCES lienthong.messages (id), position integer NOT NULL,
            name text NOT NULL, media_type text NOT NULL, sha256 text NOT NULL, length bigint NOT NULL,
            PRIMARY KEY (message_id, position));
        CREATE TABLE IF NOT EXISTS lienthong.attachment_contents (
            sha256 text PRIMARY KEY, length bigint NOT NULL, chunks integer NOT NULL);
        CREATE TABLE IF NOT EXISTS lienthong.attachment_chunks (
            key text NOT NULL, chunk integer NOT NULL, bytes bytea NOT NULL,
            written_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (key, chunk));
        CREATE TABLE IF NOT EXISTS lienthong.event_registries (
            registry text PRIMARY KEY, change_cursor text NOT NULL, last_sequence bigint NOT NULL,
            first_retained bigint NOT NULL);
        CREATE TABLE IF NOT EXISTS lienthong.events (
            registry text NOT NULL, sequence bigint NOT NULL, id text NOT NULL UNIQUE, type text NOT NULL,
            record_key text NOT NULL, detected_ms bigint NOT NULL, envelope bytea NOT NULL,
            PRIMARY KEY (registry, sequence));
        CREATE TABLE IF NOT EXISTS lienthong.event_baselines (
            registry text NOT NULL, record_key text NOT NULL, seen bytea NOT NULL, PRIMARY KEY (registry, record_key));
        CREATE TABLE IF NOT EXISTS lienthong.event_subscriptions (
            id text PRIMARY KEY, consumer text NOT NULL, service text NOT NULL, registry text NOT NULL,
            event_types text NOT NULL, purpose text NOT NULL, filter bytea, created_ms bigint NOT NULL,
            start_after bigint NOT NULL);
        """

    /// Creates what is missing: the tables, and the partitions of `months`.
    static func ensure(_ connection: PostgresConnection, months: [Month]) throws(PostgresError) {
        try locked(connection) { () throws(PostgresError) in
            try connection.execute(tables)
            for month in months { try connection.execute(month.createPartition) }
        }
    }

    /// Creates what is missing through a connection of its own, when a store opens (a node starting, a tool): the
    /// tables, and the partitions of the month of `now` and the two after it. Every node may start first.
    /// - Throws: `failure` of why the server could not be reached or the tables could not be made.
    static func ensure<Failure: Error>(
        conninfo: String, now: Date, _ failure: (PostgresError) -> Failure
    ) throws(Failure) {
        do throws(PostgresError) {
            try PostgresSession(conninfo: conninfo).run { connection throws(PostgresError) in
                try ensure(connection, months: Month(now).andFollowing(3))
            }
        } catch {
            throw failure(error)
        }
    }

    /// Creates the partitions of `months` that are missing.
    static func ensurePartitions(_ connection: PostgresConnection, months: [Month]) throws(PostgresError) {
        try locked(connection) { () throws(PostgresError) in
            for month in months { try connection.execute(month.createPartition) }
        }
    }

    /// Runs `body` in a transaction holding the schema lock.
    private static func locked(_ connection: PostgresConnection, _ body: () throws(PostgresError) -> Void)
        throws(PostgresError)
    {
        try connection.execute("BEGIN; SELECT pg_advisory_xact_lock(\(lockKey))")
        do throws(PostgresError) {
            try body()
            try connection.execute("COMMIT")
        } catch {
            _ = try? connection.execute("ROLLBACK")
            throw error
        }
    }

    /// A calendar month in UTC: one partition of `audit_records`.
    struct Month: Hashable, Sendable, Comparable {
        let year: Int
        let month: Int

        /// The month of `date` (UTC).
        init(_ date: Date) {
            let text = Timestamp.rfc3339(date)
            self.init(text)!
        }

        /// The month of an RFC 3339 time (`YYYY-MM-…`); `nil` if it does not start so.
        init?(_ timestamp: some StringProtocol) {
            let parts = timestamp.prefix(7).split(separator: "-")
            guard parts.count == 2, let year = Int(parts[0]), let month = Int(parts[1]), (1...12).contains(month)
            else { return nil }
            self.year = year
            self.month = month
        }

        private init(year: Int, month: Int) {
            self.year = year
            self.month = month
        }

        /// The month after this one.
        var next: Month { month == 12 ? Month(year: year + 1, month: 1) : Month(year: year, month: month + 1) }

        /// This month and the `count - 1` after it.
        func andFollowing(_ count: Int) -> [Month] {
            var months = [self]
            while months.count < count { months.append(months[months.count - 1].next) }
            return months
        }

        /// `2026-12-01 00:00:00+00`: the first instant.
        var start: String { String(format: "%04d-%02d-01 00:00:00+00", year, month) }

        /// The partition's table name, e.g. `audit_records_2026_12`.
        var partition: String { String(format: "audit_records_%04d_%02d", year, month) }

        /// The statement creating the partition if it is missing (fixed text: numbers only).
        var createPartition: String {
            """
            CREATE TABLE IF NOT EXISTS lienthong.\(partition) PARTITION OF lienthong.audit_records
            FOR VALUES FROM ('\(start)') TO ('\(next.start)')
            """
        }

        static func < (lhs: Month, rhs: Month) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }
    }
}
