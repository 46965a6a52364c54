/// Bounds the parser enforces before and while reading untrusted input.
public struct JSONLimits: Sendable, Hashable {
    /// The deepest nesting of arrays and objects allowed; the top-level container is depth 1.
    public var maxDepth: Int
    /// The largest input accepted, in bytes.
    public var maxBytes: Int

    /// Limits with defaults suited to HTTP bodies: depth 512, 16 MiB.
    public init(maxDepth: Int = 512, maxBytes: Int = 16 * 1024 * 1024) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
    }
}
