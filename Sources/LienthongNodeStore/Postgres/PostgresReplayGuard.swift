public import Foundation
public import LienthongStorage
public import LienthongTrust
import Synchronization

/// One replay window shared by every node of an agency, in PostgreSQL: an id admitted by any node is refused by
/// every other node until it expires.
///
/// Admission is one `INSERT … ON CONFLICT` on the table's primary key, never a read then a write: of two nodes
/// admitting the same id at once, the database lets exactly one row in, and the other sees a row count of 0. A row
/// whose expiry has passed counts as absent (the same statement takes it over); expired rows are deleted every
/// ``purgeInterval`` admissions. The `iat` checks are the pure ``ReplayWindow``'s. The statements run on the
/// calling loop's connections of the pool, without blocking it.
///
/// ```swift
/// let replay = PostgresReplayGuard(pool: pool, configuration: .init(window: 600))
/// try await replay.admit([("VN/GOV/HCM/MOTCUA|5a4c…", nil)], now: Date())
/// ```
public final class PostgresReplayGuard: ReplayAdmitter {
    private let pool: PostgresConnectionPool
    /// The window's configuration (its capacity does not apply: the table holds every id within the window).
    public let configuration: ReplayWindow.Configuration
    private let admissions = Atomic<Int>(0)
    /// How many admissions pass between two deletions of expired rows.
    static let purgeInterval = 1_024

    /// A window in the database `pool` reaches; the table is created by ``PostgresNodeStore``.
    public init(pool: PostgresConnectionPool, configuration: ReplayWindow.Configuration) {
        self.pool = pool
        self.configuration = configuration
    }

    /// Admits the ids of one request together, all or none; see ``ReplayAdmitter/admit(_:now:)``.
    public func admit(_ entries: [(id: String, issuedAt: Date?)], now: Date) async throws(TrustError) {
        let window = ReplayWindow(configuration: configuration)
        try window.refuseUnlessAdmissible(entries, at: now)
        guard !entries.isEmpty else { return }
        let nowMs = Self.milliseconds(now)
        var parameters: [String?] = [String(nowMs)]
        for (id, issuedAt) in entries {
            parameters += [id, String(Self.milliseconds(max(issuedAt ?? now, now) + configuration.window))]
        }
        let values = entries.indices.map { "($\($0 * 2 + 2), $\($0 * 2 + 3)::bigint)" }.joined(separator: ", ")
        let sql = """
            INSERT INTO lienthong.replay_window (id, expires_at_ms) VALUES \(values)
            ON CONFLICT (id) DO UPDATE SET expires_at_ms = EXCLUDED.expires_at_ms
            WHERE lienthong.replay_window.expires_at_ms <= $1::bigint
            """
        let count = entries.count
        let bound = parameters
        let purge = admissions.add(count, ordering: .relaxed).newValue % Self.purgeInterval < count
        let admitted: Bool
        do throws(PostgresError) {
            // Several ids are all or none: a transaction, rolled back when one of them was taken (and by the pool
            // when a statement fails). The statements are chosen as results come, on the caller's loop.
            let insert = PostgresStatement(sql, bound, prepared: count == 1)
            let results = try await pool.run { done in
                let next: PostgresStatement? =
                    switch (done.count, count > 1) {
                    case (0, false): insert
                    case (0, true): PostgresStatement("BEGIN")
                    case (1, true): insert
                    case (2, true): PostgresStatement((done[1].affectedRows ?? 0) == count ? "COMMIT" : "ROLLBACK")
                    default: nil
                    }
                return next
            }
            admitted = (results[count > 1 ? 1 : 0].affectedRows ?? 0) == count
            if purge {
                try await pool.query(
                    "DELETE FROM lienthong.replay_window WHERE expires_at_ms <= $1::bigint", [String(nowMs)])
            }
        } catch {
            throw TrustError(.replayStore, "replay window in PostgreSQL: \(error.code.wireCode)")
        }
        guard admitted else {
            throw TrustError(.replayDetected, "id \(entries[0].id.prefix(64)) was already seen")
        }
    }

    /// `nil` when a pooled connection answers `SELECT 1`, else the failure's code. The audit log is in the same
    /// database, so this is the node's storage as a whole; its writer's own session is busy with batches.
    public func unreachableReason() async -> String? {
        do {
            try await pool.query("SELECT 1")
            return nil
        } catch {
            return error.code.wireCode
        }
    }

    static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.up))
    }
}
