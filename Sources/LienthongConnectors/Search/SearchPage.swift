/// Which slice of a search's matches to return: `limit` matches after skipping `offset`.
public struct SearchPage: Sendable, Equatable {
    /// The largest `limit` accepted.
    public static let maxLimit = 100

    /// The most matches to return (1 to ``maxLimit``).
    public var limit: Int
    /// How many matches to skip (0 or more).
    public var offset: Int

    /// Creates a page.
    public init(limit: Int = 20, offset: Int = 0) {
        self.limit = limit
        self.offset = offset
    }
}
