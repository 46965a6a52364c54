/// Where a registry's change events travel: one stream per registry (event source), one subject in it.
///
/// `population` → stream `LIENTHONG_EVENTS_POPULATION`, subject `lienthong.events.population`. Registry names are
/// `[a-z][a-z0-9-]*`: valid stream names upper-cased and valid subject tokens as they are.
public struct EventSubjects: Sendable, Hashable {
    /// The registry.
    public let registry: String

    /// The stream and subject of `registry`.
    public init(registry: String) {
        self.registry = registry
    }

    /// The registry's stream.
    public var stream: String { "LIENTHONG_EVENTS_" + registry.uppercased() }

    /// The one subject of the stream: its stream sequence is the registry's event sequence.
    public var subject: String { "lienthong.events.\(registry)" }
}
