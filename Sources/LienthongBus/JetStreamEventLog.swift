public import Foundation
import LienthongCore
public import LienthongNodeStore
import LienthongStorage
import Synchronization

/// The change-event log on NATS JetStream: each registry's events are the messages of a stream of its own
/// (``EventSubjects``), its stream sequence the event sequence, published one by one as acknowledged publishes with
/// the event id as `Nats-Msg-Id`. Subscribers read by sequence (`GET /v1/events?after=`); the node store's log
/// (``local``) keeps what detection needs and the subscriptions.
///
/// An append writes the stream first, then the node store. Each publish requires the stream's last sequence to be
/// the event's minus one, so of two nodes appending from the same state JetStream stores one and refuses the other
/// (``EventLogError/Code/sequenceConflict``): the sequence stays gapless across nodes, whatever store each uses.
/// Then the node store records the cursor, tagged with the sequence it follows, and the baselines. A crash between
/// the two leaves the stream ahead of the node store: ``state(registry:)`` then takes the cursor from the stream's
/// last event (every event carries where detection resumes after it), so the repeat reads on past the published
/// changes and publishes none of them again; a repeat from the old state is refused by the expected sequence. The
/// same holds for a node whose own store has not seen what another node published.
///
/// libnats 3.4 reads a stream only by synchronous requests (stream info, one `js_GetMsg` per event), and an append
/// waits for each acknowledgement: every such call runs on ``BlockingPool/shared``, never on the event loop of the
/// request that asked (`GET /v1/events`, `POST /v1/subscriptions`), whose other connections it would stall, nor on
/// the cooperative pool (the change publisher).
public final class JetStreamEventLog: EventLog {
    /// Where the streams are and how they are kept.
    public struct Settings: Sendable, Hashable {
        /// The servers to connect to, `nats://HOST:PORT`.
        public var servers: [String]
        /// Each stream's replicas (1 to 5; 3 on a three-server cluster).
        public var replicas: Int
        /// How long JetStream remembers an event id to store a repeated publish once.
        public var duplicateWindow: Duration
        /// How long a publish waits for its acknowledgement; a publish is tried again within it (same id).
        public var ackTimeout: Duration
        /// The most events a stream keeps (the newest), as the node's `events.retentionEvents`.
        public var retentionEvents: Int?
        /// How long a stream keeps an event, as the node's `events.retentionDays`.
        public var retention: Duration?
        /// How long after its last publish an append cut short counts as abandoned by its writer (who died).
        public var abandonedAppend: Duration { ackTimeout * 3 }

        /// Settings.
        public init(
            servers: [String], replicas: Int, duplicateWindow: Duration = .seconds(600),
            ackTimeout: Duration = .seconds(10), retentionEvents: Int? = nil, retention: Duration? = nil
        ) {
            self.servers = servers
            self.replicas = replicas
            self.duplicateWindow = duplicateWindow
            self.ackTimeout = ackTimeout
            self.retentionEvents = retentionEvents
            self.retention = retention
        }
    }

    /// The node store's log: detection cursors, baselines and subscriptions.
    public let local: any EventLog
    let connection: JetStreamConnection
    let settings: Settings
    /// The streams created or updated to these settings since start.
    let preparedStreams = Mutex<Set<String>>([])

    /// Connects to the cluster; each registry's stream is made or updated on its first append.
    /// - Throws: ``EventLogError/Code/storage`` if no server answers.
    public init(local: any EventLog, settings: Settings, name: String) throws(EventLogError) {
        self.local = local
        self.settings = settings
        do throws(JetStreamError) {
            connection = try JetStreamConnection(servers: settings.servers, name: name, ackTimeout: settings.ackTimeout)
        } catch {
            throw EventLogError(.storage, error.description)
        }
    }

    public func state(registry: String) async throws(EventLogError) -> EventRegistryState? {
        let stored = try await local.state(registry: registry)
        return try await blocking { () throws(EventLogError) in try self.state(registry: registry, local: stored) }
    }

    /// The registry's state from the stream's position and, for the cursor, whichever of the node store and the
    /// stream's last event is further on.
    func state(registry: String, local stored: EventRegistryState?) throws(EventLogError) -> EventRegistryState? {
        let subjects = EventSubjects(registry: registry)
        let position = try bus("state") { () throws(JetStreamError) in
            try connection.position(stream: subjects.stream)
        }
        var last = Int64(position?.last ?? 0)
        let mark = stored.flatMap { Mark(encoded: $0.cursor) }
        var cursor = mark?.cursor
        if last > 0, Int64(mark?.sequence ?? 0) < last {
            // The stream is ahead (a crash between the two writes, or another node): resume after its last event.
            // Should that event be gone too (retention), the node store's cursor is all there is: the changes after
            // it are published again, at least once rather than never.
            let headers = try bus("state") { () throws(JetStreamError) in
                try connection.message(
                    stream: subjects.stream, sequence: UInt64(last), headers: StoredEvent.positionHeaders)?.headers
            }
            if let headers {
                cursor = StoredEvent.cursor(in: headers) ?? cursor
                // Another writer's append still going on: its state is the one before it, so that an append from
                // here is refused (its place is taken) rather than numbered between that append's events. Once
                // abandoned (its writer died), detection resumes at its start: those changes are published again.
                if let batch = StoredEvent.batch(in: headers), batch.upperBound > last,
                    let published = StoredEvent.published(in: headers),
                    Date().timeIntervalSince(published) < settings.abandonedAppend.secondsValue
                {
                    last = batch.lowerBound - 1
                }
            }
        }
        guard let cursor else { return nil }
        let firstRetained = (position?.messages ?? 0) == 0 ? last + 1 : min(Int64(position?.first ?? 1), last + 1)
        return EventRegistryState(cursor: cursor, lastSequence: last, firstRetained: firstRetained)
    }

    public func append(
        registry: String, from previous: EventRegistryState?, events: [StoredEvent], cursor: String,
        baselines: [String: [UInt8]]
    ) async throws(EventLogError) {
        let stored = try await local.state(registry: registry)
        let current = try await blocking { () throws(EventLogError) -> EventRegistryState? in
            let current = try self.state(registry: registry, local: stored)
            guard EventRegistryState.accepts(events, from: previous, at: current) else {
                throw EventLogError(.sequenceConflict, "append to \(registry)")
            }
            if let first = events.first?.sequence, let last = events.last?.sequence {
                try self.prepare(EventSubjects(registry: registry))
                for event in events {
                    // An append cut short by a crash resumes at its start (see ``state(registry:)``).
                    let resume = event.sequence == last ? cursor : previous?.cursor ?? ""
                    try self.publish(event, registry: registry, resume: resume, batch: first...last)
                }
            }
            return current
        }
        let last = events.last?.sequence ?? current?.lastSequence ?? 0
        do throws(EventLogError) {
            try await local.append(
                registry: registry, from: stored, events: [],
                cursor: Mark(sequence: UInt64(last), cursor: cursor).encoded, baselines: baselines)
        } catch {
            // Published: the stream has them, and a node sharing this store that wrote meanwhile wrote a later mark.
            guard error.code == .sequenceConflict, !events.isEmpty else { throw error }
        }
    }

    public func baseline(registry: String, key: String) async throws(EventLogError) -> [UInt8]? {
        try await local.baseline(registry: registry, key: key)
    }

    public func events(registry: String, after: Int64, limit: Int) async throws(EventLogError) -> [StoredEvent] {
        try await blocking { () throws(EventLogError) in
            try self.storedEvents(registry: registry, after: after, limit: limit)
        }
    }

    private func storedEvents(registry: String, after: Int64, limit: Int) throws(EventLogError) -> [StoredEvent] {
        let subjects = EventSubjects(registry: registry)
        return try bus("read") { () throws(JetStreamError) -> [StoredEvent] in
            guard let position = try connection.position(stream: subjects.stream) else { return [] }
            var events: [StoredEvent] = []
            var sequence = max(UInt64(max(after, 0)) + 1, position.first)
            while events.count < limit, sequence <= position.last {
                if let message = try connection.message(
                    stream: subjects.stream, sequence: sequence, headers: StoredEvent.busHeaders),
                    let event = StoredEvent(sequence: sequence, payload: message.payload, headers: message.headers)
                {
                    events.append(event)
                }
                sequence += 1
            }
            return events
        }
    }

    @discardableResult
    public func prune(registry: String, before: Date, keepLast: Int) async throws(EventLogError) -> Int {
        try await blocking { () throws(EventLogError) in
            try self.pruneStream(registry: registry, before: before, keepLast: keepLast)
        }
    }

    private func pruneStream(registry: String, before: Date, keepLast: Int) throws(EventLogError) -> Int {
        let subjects = EventSubjects(registry: registry)
        return try bus("prune") { () throws(JetStreamError) -> Int in
            guard let position = try connection.position(stream: subjects.stream), position.messages > 0 else {
                return 0
            }
            // As the other engines: the oldest go first, so what stays is one run ending at the last sequence.
            var through = max(Int64(position.last) - Int64(max(keepLast, 0)), Int64(position.first) - 1)
            var sequence = UInt64(through + 1)
            while sequence <= position.last {
                let message = try connection.message(
                    stream: subjects.stream, sequence: sequence, headers: StoredEvent.busHeaders)
                if let message, let event = StoredEvent(sequence: sequence, payload: [], headers: message.headers),
                    event.detectedAt >= before
                {
                    break
                }
                through = Int64(sequence)
                sequence += 1
            }
            guard through >= Int64(position.first) else { return 0 }
            try connection.purge(stream: subjects.stream, below: UInt64(through) + 1)
            let remaining = try connection.position(stream: subjects.stream)?.messages ?? 0
            return Int(position.messages - min(remaining, position.messages))
        }
    }

    public func subscribe(_ subscription: EventSubscription) async throws(EventLogError) {
        try await local.subscribe(subscription)
    }

    public func subscription(id: String) async throws(EventLogError) -> EventSubscription? {
        try await local.subscription(id: id)
    }

    public func unsubscribe(id: String, consumer: String) async throws(EventLogError) -> Bool {
        try await local.unsubscribe(id: id, consumer: consumer)
    }

    /// Closes the connection.
    public func close() { connection.close() }

    /// Runs `body`, which waits on libnats, on the node's pool for blocking work.
    private func blocking<T: Sendable>(
        _ body: @escaping @Sendable () throws(EventLogError) -> T
    ) async throws(EventLogError) -> T {
        try await BlockingPool.shared.run(body)
    }
}
