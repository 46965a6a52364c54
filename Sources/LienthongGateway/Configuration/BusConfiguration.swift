/// `node.json` `bus`: the engine that carries document messages; the embedded SQLite queue when absent.
public struct BusConfiguration: Sendable, Hashable, Codable {
    /// The engine.
    public enum Engine: String, Sendable, Hashable, Codable {
        /// `messages.sqlite` in the data directory: nothing to install (the default).
        case sqlite
        /// NATS JetStream: one stream per recipient member, acknowledged publishes, durable pull consumers.
        case jetstream
    }

    /// The engine.
    public var engine: Engine
    /// `jetstream`: the servers, `nats://HOST:PORT`.
    public var servers: [String]?
    /// `jetstream`: each stream's replicas (default 1; 3 on a three-server cluster).
    public var replicas: Int?
    /// `jetstream`: how long a message id is remembered so that a repeated publish is stored once (default 600).
    public var duplicateWindowSeconds: Double?
    /// `jetstream`: how long a publish waits for JetStream's acknowledgement before the send fails (default 10).
    public var ackTimeoutSeconds: Double?
}
