/// What ``ReplayWindow/check(_:issuedAt:at:)`` decided about one id.
public enum ReplayDecision: Sendable, Hashable {
    /// Not seen within the window: accepted and now remembered until it expires.
    case fresh
    /// Seen within the window: reject with `replay-detected` (409).
    case replay
    /// The `iat` is older than the window (or than what the window still remembers): reject with
    /// `stale-request` (400).
    case tooOld
    /// The `iat` is further in the future than the allowed clock skew: reject with `stale-request` (400).
    case tooNew
}
