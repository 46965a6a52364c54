import Synchronization

/// A flag one task sets once and others read: that an event happened (a server stopped, a slow query ended).
public final class Flag: Sendable {
    private let value = Atomic<Bool>(false)

    /// A flag not set yet.
    public init() {}

    /// Whether ``set()`` was called.
    public var isSet: Bool { value.load(ordering: .acquiring) }

    /// Sets the flag; what the setter did before is visible to a reader that sees it set.
    public func set() { value.store(true, ordering: .releasing) }
}
