public import Foundation
import LienthongStorage
public import LienthongTrust
import Synchronization

/// The node's replay protection: a ``ReplayWindow`` kept in memory and persisted in SQLite, so that a restart
/// does not reopen the window.
///
/// Every admitted id is written (WAL, `synchronous=NORMAL`: durable across a process crash or restart; an
/// operating-system crash may lose the last few admissions) before ``admit(id:issuedAt:now:)`` returns. On open,
/// the ids that have not expired are reloaded. Thread-safe: admissions are serialised by a mutex, so of two
/// concurrent admissions of one id exactly one succeeds.
///
/// ```swift
/// let replay = try ReplayGuard(path: dataDirectory.appendingPathComponent("replay.sqlite"), now: .now)
/// try replay.admit(id: requestID, issuedAt: verified.signatures.first?.issuedAt, now: .now)
/// ```
public final class ReplayGuard: ReplayAdmitter {
    private struct State {
        var window: ReplayWindow
        let database: SQLiteDatabase
        let insert: SQLiteStatement
        var admissionsSincePrune = 0
        var persistedFloor: Date?
    }

    private let state: Mutex<State>
    /// The window's configuration.
    public let configuration: ReplayWindow.Configuration
    /// How many admissions pass between two deletions of expired rows.
    private static let pruneInterval = 1_024

    /// Opens (or creates) the replay store at `path` and reloads the ids that have not expired at `now`.
    /// - Parameters:
    ///   - path: the SQLite file, or `:memory:` for a window that does not survive the process.
    ///   - configuration: window length, clock skew and capacity.
    ///   - now: the current time, to drop what expired while the node was down.
    /// - Throws: ``TrustError/Code/replayStore`` if the file cannot be opened or read.
    public init(path: URL, configuration: ReplayWindow.Configuration = .init(), now: Date) throws(TrustError) {
        self.configuration = configuration
        do {
            let database = try SQLiteDatabase(
                path: path.isFileURL ? path.path : path.absoluteString, mode: .readWriteCreate)
            try database.enableWAL()
            try database.execute(
                """
                PRAGMA synchronous=NORMAL;
                CREATE TABLE IF NOT EXISTS replay_window (
                    id TEXT PRIMARY KEY, expires_at_ms INTEGER NOT NULL) WITHOUT ROWID;
                CREATE INDEX IF NOT EXISTS replay_window_expiry ON replay_window(expires_at_ms);
                CREATE TABLE IF NOT EXISTS replay_floor (
                    one INTEGER PRIMARY KEY CHECK (one = 1), floor_ms INTEGER NOT NULL);
                """)
            let nowMs = Self.milliseconds(now)
            _ = try database.query("DELETE FROM replay_window WHERE expires_at_ms <= ?1", [.integer(nowMs)])
            var window = ReplayWindow(configuration: configuration)
            var persistedFloor: Date?
            if let row = try database.query("SELECT floor_ms FROM replay_floor WHERE one = 1").first,
                case .integer(let floor) = row[0]
            {
                persistedFloor = Self.date(floor)
                window.restoreFloor(Self.date(floor))
            }
            let select = try database.prepare("SELECT id, expires_at_ms FROM replay_window ORDER BY expires_at_ms")
            while try select.step() {
                guard let id = select.string(at: 0), let expiry = select.int64(at: 1) else { continue }
                window.restore(id, expiresAt: Self.date(expiry))
            }
            let insert = try database.prepare(
                "INSERT OR REPLACE INTO replay_window (id, expires_at_ms) VALUES (?1, ?2)")
            state = Mutex(
                State(window: window, database: database, insert: insert, persistedFloor: persistedFloor))
        } catch {
            throw TrustError(.replayStore, "replay store \(path.lastPathComponent): \(error.code.description)")
        }
    }

    /// Admits a request id or signature once within the window.
    /// - Parameters:
    ///   - id: the request id (or a signed request's signature, in its canonical form:
    ///     ``VerifiedSignature/canonicalValue``).
    ///   - issuedAt: the `iat` of a signed request; `nil` for unsigned requests.
    ///   - now: the current time.
    /// - Throws: ``TrustError/Code/replayDetected`` (409 `replay-detected`) if `id` was admitted within the window,
    ///   ``TrustError/Code/staleRequest`` (400 `stale-request`) if `issuedAt` lies outside it,
    ///   ``TrustError/Code/replayStore`` if the admission cannot be recorded (the id is then not remembered).
    public func admit(id: String, issuedAt: Date?, now: Date) throws(TrustError) {
        try admit([(id, issuedAt)], now: now)
    }

    /// Admits the ids of one request together, all or none: a signed request's id and each signature value, each
    /// with its own `issuedAt`. Nothing is remembered unless every id is fresh, so a stale signature does not use
    /// up the request id.
    /// - Throws: what ``admit(id:issuedAt:now:)`` throws, for the first id that is not fresh; an id listed twice
    ///   is ``TrustError/Code/replayDetected``.
    public func admit(_ entries: [(id: String, issuedAt: Date?)], now: Date) throws(TrustError) {
        try state.withLock { state throws(TrustError) in
            state.window.prune(at: now)
            try state.window.refuseUnlessAdmissible(entries, at: now)
            for (id, issuedAt) in entries { _ = state.window.check(id, issuedAt: issuedAt, at: now) }
            do throws(StorageError) {
                try Self.record(entries.map(\.id), in: &state, now: now)
            } catch {
                for (id, _) in entries { state.window.forget(id) }
                let first = entries.first?.id.prefix(64) ?? ""
                throw TrustError(.replayStore, "cannot record \(first): \(error.code.description)")
            }
        }
    }

    /// How many ids are remembered.
    public var count: Int { state.withLock { $0.window.count } }

    /// Always `nil`: the window is a file of the node's own, opened at start; a failed write is the admission's
    /// error, not an absent store.
    public func unreachableReason() async -> String? { nil }

    /// Writes the admitted `ids` (and a raised floor) in one transaction.
    private static func record(_ ids: [String], in state: inout State, now: Date) throws(StorageError) {
        let window = state.window
        let insert = state.insert
        let persistedFloor = state.persistedFloor
        try state.database.transaction { database throws(StorageError) in
            for id in ids {
                guard let expiry = window.expiry(of: id) else { continue }  // evicted at once: nothing to keep
                defer {
                    insert.reset()
                    insert.clearBindings()
                }
                try insert.bind(id, at: 1)
                try insert.bind(.integer(milliseconds(expiry)), at: 2)
                _ = try insert.step()
            }
            if let floor = window.floor, floor != persistedFloor {
                _ = try database.query(
                    "INSERT OR REPLACE INTO replay_floor (one, floor_ms) VALUES (1, ?1)",
                    [.integer(milliseconds(floor))])
            }
        }
        state.persistedFloor = state.window.floor ?? state.persistedFloor
        state.admissionsSincePrune += ids.count
        if state.admissionsSincePrune >= pruneInterval {
            state.admissionsSincePrune = 0
            _ = try state.database.query(
                "DELETE FROM replay_window WHERE expires_at_ms <= ?1", [.integer(milliseconds(now))])
        }
    }

    private static func milliseconds(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded(.up))
    }

    private static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000)
    }
}
