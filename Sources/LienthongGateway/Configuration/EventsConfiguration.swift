/// `node.json` `events`: how long the node keeps the change events it published, each bound with its default.
public struct EventsConfiguration: Sendable, Hashable, Codable {
    /// Events older than this many days are dropped.
    public var retentionDays: Double?
    /// At most this many events per registry are kept (the newest).
    public var retentionEvents: Int?

    /// The settings with every default applied.
    public var resolved: Resolved {
        Resolved(retention: .seconds((retentionDays ?? 7) * 86_400), retentionEvents: retentionEvents ?? 100_000)
    }

    /// The settings as the node uses them.
    public struct Resolved: Sendable, Hashable {
        /// How long an event is kept.
        public var retention: Duration
        /// How many events per registry are kept.
        public var retentionEvents: Int
    }
}
