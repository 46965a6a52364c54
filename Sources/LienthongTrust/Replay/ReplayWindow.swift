public import Foundation
import LienthongJSON

/// The ids (request ids, signatures) seen within the last few minutes: a pure state machine, driven by the caller's
/// clock.
///
/// Each id accepted by ``check(_:issuedAt:at:)`` is remembered until `max(issuedAt, now) + window`; a second
/// check before then is a ``ReplayDecision/replay``. A signed request also carries its `iat`, which must lie
/// within `[now - window, now + clockSkew]`, so an id forgotten after its expiry cannot come back either: by then
/// its `iat` is ``ReplayDecision/tooOld``.
///
/// Memory is bounded by ``Configuration/capacity``. When it is full, the entry closest to expiry is evicted and
/// the window's *floor* rises to that entry's start: a request whose `iat` is at or before the floor is
/// ``ReplayDecision/tooOld`` from then on, so eviction never lets a signed request through twice. An id checked
/// without an `iat` has only its own expiry to protect it; eviction can forget it early.
///
/// ```swift
/// var window = ReplayWindow(configuration: .init(window: 600))
/// window.check("5a4c9e7b-…", at: now)                                  // .fresh
/// window.check("5a4c9e7b-…", at: now + 10)                             // .replay
/// window.check("other", issuedAt: now - 3600, at: now)                 // .tooOld
/// ```
public struct ReplayWindow: Sendable {
    /// How long ids are remembered and how far `iat` may be off.
    public struct Configuration: Sendable, Hashable {
        /// How long an id is remembered, and how old an `iat` may be (default 10 minutes).
        public var window: TimeInterval
        /// How far in the future an `iat` may be (the signer's clock running ahead; default 1 minute).
        public var clockSkew: TimeInterval
        /// The most ids remembered at once (default one million).
        public var capacity: Int

        /// A configuration; the defaults are 10 minutes, 1 minute of skew and one million ids.
        public init(window: TimeInterval = 600, clockSkew: TimeInterval = 60, capacity: Int = 1_000_000) {
            precondition(window > 0 && clockSkew >= 0 && capacity > 0, "invalid replay window configuration")
            self.window = window
            self.clockSkew = clockSkew
            self.capacity = capacity
        }
    }

    /// The configuration.
    public let configuration: Configuration
    /// Expiry by id: the ids currently remembered, compared by code points as the persisted stores compare bytes.
    private var expiries: [JSONKey: Date] = [:]
    /// The same ids ordered by expiry; may hold stale entries for forgotten ids (skipped when popped).
    private var heap = ExpiryHeap()
    /// The latest start of an evicted entry: an `iat` at or before it can no longer be checked.
    public private(set) var floor: Date?

    /// An empty window.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// How many ids are remembered (including expired ones not yet pruned).
    public var count: Int { expiries.count }

    /// When `id` will be forgotten, if it is remembered.
    public func expiry(of id: String) -> Date? { expiries[JSONKey(id)] }

    /// Checks an id without an `iat` (e.g. the request id of an unsigned lookup) at `now`; remembers it if fresh.
    /// - Returns: ``ReplayDecision/fresh`` or ``ReplayDecision/replay``.
    public mutating func check(_ id: String, at now: Date) -> ReplayDecision {
        check(id, issuedAt: nil, at: now)
    }

    /// Checks `id` at `now`; remembers it if fresh.
    /// - Parameters:
    ///   - id: the request id or signature value.
    ///   - issuedAt: the signed `iat`, if any; checked against the window first.
    ///   - now: the current time of the caller's clock.
    /// - Returns: ``ReplayDecision/tooOld`` or ``ReplayDecision/tooNew`` for an `iat` outside the window (the id is
    ///   not remembered), ``ReplayDecision/replay`` for an id seen within the window, else ``ReplayDecision/fresh``.
    public mutating func check(_ id: String, issuedAt: Date?, at now: Date) -> ReplayDecision {
        prune(at: now)
        let decision = decision(for: id, issuedAt: issuedAt, at: now)
        if decision == .fresh {
            remember(id, expiresAt: max(issuedAt ?? now, now).addingTimeInterval(configuration.window))
        }
        return decision
    }

    /// What ``check(_:issuedAt:at:)`` would decide about `id` at `now`, without remembering it: to check several
    /// ids of one request before admitting any.
    public func decision(for id: String, issuedAt: Date?, at now: Date) -> ReplayDecision {
        if let issuedAt {
            if issuedAt < now.addingTimeInterval(-configuration.window) { return .tooOld }
            if let floor, issuedAt <= floor { return .tooOld }
            if issuedAt > now.addingTimeInterval(configuration.clockSkew) { return .tooNew }
        }
        // An expired id not yet pruned is forgotten already.
        if let expiry = expiries[JSONKey(id)], expiry > now { return .replay }
        return .fresh
    }

    /// Remembers `id` until `expiresAt` without checking it: to reload a persisted window.
    /// An id already remembered keeps the later of the two expiries.
    public mutating func restore(_ id: String, expiresAt: Date) {
        if let existing = expiries[JSONKey(id)], existing >= expiresAt { return }
        remember(id, expiresAt: expiresAt)
    }

    /// Raises the floor to `floor` (never lowers it): to reload a persisted window.
    public mutating func restoreFloor(_ floor: Date) {
        self.floor = max(self.floor ?? floor, floor)
    }

    /// Forgets `id` (e.g. when recording it durably failed, so that a retry is not taken for a replay).
    public mutating func forget(_ id: String) {
        expiries[JSONKey(id)] = nil
    }

    /// Forgets every id whose expiry is at or before `now`.
    /// - Returns: how many ids were forgotten.
    @discardableResult
    public mutating func prune(at now: Date) -> Int {
        var removed = 0
        while let top = heap.first, top.expiry <= now {
            _ = heap.removeFirst()
            if expiries[JSONKey(top.id)] == top.expiry {
                expiries[JSONKey(top.id)] = nil
                removed += 1
            }
        }
        return removed
    }

    private mutating func remember(_ id: String, expiresAt: Date) {
        expiries[JSONKey(id)] = expiresAt
        heap.insert(.init(expiry: expiresAt, id: id))
        while expiries.count > configuration.capacity, let evicted = heap.removeFirst() {
            guard expiries[JSONKey(evicted.id)] == evicted.expiry else { continue }
            expiries[JSONKey(evicted.id)] = nil
            restoreFloor(evicted.expiry.addingTimeInterval(-configuration.window))
        }
        // Stale heap entries (forgotten or re-remembered ids) are dropped when they reach the top; compact if they
        // ever dominate, so memory stays proportional to the ids remembered.
        if heap.count > 2 * configuration.capacity { compact() }
    }

    private mutating func compact() {
        var fresh = ExpiryHeap()
        for (id, expiry) in expiries { fresh.insert(.init(expiry: expiry, id: id.string)) }
        heap = fresh
    }
}
