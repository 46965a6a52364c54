public import Foundation
public import LienthongTrust

/// The node's replay protection: admits a request id or signature once within the window (``ReplayWindow``).
///
/// The embedded default is ``ReplayGuard`` (the node's own window, persisted in SQLite); ``PostgresReplayGuard``
/// shares one window between every node of an agency, so an id admitted by one node is refused by the others.
public protocol ReplayAdmitter: Sendable {
    /// The window's configuration.
    var configuration: ReplayWindow.Configuration { get }

    /// Admits the ids of one request together, all or none: a signed request's id and each signature value, each
    /// with its own `issuedAt` (`nil` for an unsigned request's id).
    /// - Throws: ``TrustError/Code/replayDetected`` (409 `replay-detected`) for an id admitted within the window or
    ///   listed twice, ``TrustError/Code/staleRequest`` (400 `stale-request`) for an `issuedAt` outside it,
    ///   ``TrustError/Code/replayStore`` if the admission cannot be recorded (then nothing is remembered).
    func admit(_ entries: [(id: String, issuedAt: Date?)], now: Date) async throws(TrustError)

    /// Why the store holding the window cannot be reached now, as a value-free code (e.g. `postgres.connect`), or
    /// `nil` when it answers. The node's readiness reports it, so a load balancer stops sending requests a node
    /// could neither check nor audit.
    func unreachableReason() async -> String?
}

