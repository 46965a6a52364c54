import Foundation

/// When to fetch an issuer's key set again: a pure state machine driven by the caller's clock.
///
/// The first lookup fetches. A key the set has is used until the set is ``maximumAge`` old (so a key the issuer
/// withdrew stops working); a `kid` the set lacks (the issuer rotated keys) fetches again, but never twice within
/// ``minimumInterval``, so tokens naming made-up `kid`s cannot make the node hammer the issuer.
struct KeySetRefresh: Sendable {
    /// What to do for one lookup.
    enum Action: Sendable, Equatable {
        /// Fetch the set, then look the key up.
        case fetch
        /// Look the key up in the set held now (which may lack it).
        case useCurrent
    }

    /// The least time between two fetches.
    let minimumInterval: TimeInterval
    /// How long a set is used for keys it has.
    let maximumAge: TimeInterval
    /// When the last fetch started.
    private(set) var lastFetch: Date?

    /// A lookup at `now` of a key the current set has (`known`) or lacks.
    mutating func lookUp(known: Bool, at now: Date) -> Action {
        if let lastFetch {
            let age = now.timeIntervalSince(lastFetch)
            if known && age < maximumAge { return .useCurrent }
            if age < minimumInterval { return .useCurrent }
        }
        lastFetch = now
        return .fetch
    }
}
