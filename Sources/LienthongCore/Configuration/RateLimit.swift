/// How often requests may come: a sustained rate and a burst, as a grant or a registry states them
/// (`{"requestsPerSecond": 20, "burst": 40}`).
///
/// A caller that has been quiet may send `burst` requests at once; after that one request every
/// `1 / requestsPerSecond` seconds.
public struct RateLimit: Sendable, Hashable, Codable {
    /// The sustained rate; more than zero (fractions allowed: `0.5` is one request every two seconds).
    public var requestsPerSecond: Double
    /// The most requests admitted at once after a quiet spell; at least 1.
    public var burst: Int

    /// Creates a limit; `burst` defaults to one second's worth of requests (at least 1).
    public init(requestsPerSecond: Double, burst: Int? = nil) {
        self.requestsPerSecond = requestsPerSecond
        self.burst = burst ?? Self.defaultBurst(requestsPerSecond)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let rate = try c.decode(Double.self, forKey: .requestsPerSecond)
        self.init(requestsPerSecond: rate, burst: try c.decodeIfPresent(Int.self, forKey: .burst))
    }

    /// One second's worth of requests, at least 1.
    private static func defaultBurst(_ requestsPerSecond: Double) -> Int {
        guard requestsPerSecond.isFinite, requestsPerSecond >= 1 else { return 1 }
        return Int(min(requestsPerSecond.rounded(.up), Double(Int32.max)))
    }
}
