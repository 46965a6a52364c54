public import Foundation
public import LienthongCore
public import LienthongNodeStore
import Synchronization

/// The message queue on NATS JetStream: a document accepted is an acknowledged publish on its recipient member's
/// stream (202 only after JetStream's ack: stored on a quorum of the stream's replicas), and the recipient's node
/// pulls it from the stream's durable consumer into its node store, which keeps the inbox, receipts, retries and
/// dead letters as the embedded engine does (see the LienthongBus documentation for why).
///
/// A stream message is acknowledged only after the node store holds it durably; the store takes each id once, so a
/// message JetStream delivers again (an ack lost in a crash or failover) enters no inbox twice.
public final class JetStreamMessageQueue: MessageQueue {
    /// Where the streams are and how they are kept.
    public struct Settings: Sendable, Hashable {
        /// The servers to connect to, `nats://HOST:PORT`.
        public var servers: [String]
        /// Each stream's replicas (1 to 5; 3 on a three-server cluster).
        public var replicas: Int
        /// How long JetStream remembers a message id to store a repeated publish once.
        public var duplicateWindow: Duration
        /// How long a publish waits for its acknowledgement.
        public var ackTimeout: Duration
        /// How long a fetched message may stay unacknowledged before JetStream delivers it again.
        public var ackWait: Duration
        /// The longest a fetch blocks the delivery worker when nothing can be sent yet (see ``PullConsumer``).
        public var fetchWait: Duration
        /// How long a stream that had nothing to fetch is left alone while the others are pulled: the node's intake
        /// sleeps as long when no stream had anything.
        public var quietStreamInterval: Duration

        /// Settings.
        public init(
            servers: [String], replicas: Int, duplicateWindow: Duration = .seconds(600),
            ackTimeout: Duration = .seconds(10), ackWait: Duration = .seconds(30),
            fetchWait: Duration = .milliseconds(200), quietStreamInterval: Duration = .milliseconds(100)
        ) {
            self.servers = servers
            self.replicas = replicas
            self.duplicateWindow = duplicateWindow
            self.ackTimeout = ackTimeout
            self.ackWait = ackWait
            self.fetchWait = fetchWait
            self.quietStreamInterval = quietStreamInterval
        }
    }

    /// The node store: inbox, receipts, retries and dead letters.
    public let local: any MessageQueue
    private let connection: JetStreamConnection
    private let settings: Settings
    /// The consumer of each member's stream made so far, by stream name.
    private let consumers = Mutex<[String: PullConsumer]>([:])
    /// When each stream that last had nothing to fetch is asked again, by stream name.
    private let quietUntil = Mutex<[String: ContinuousClock.Instant]>([:])
    /// Stored messages whose acknowledgement failed, to acknowledge at the next pull.
    private let unacknowledged = Mutex<[FetchedMessage]>([])
    /// The most of them kept: the consumer's ack-pending limit (`MaxAckPending`).
    static let maxUnacknowledged = 4096

    /// Connects, and creates or updates the stream (and binds the consumer) of every member in `members`.
    /// - Throws: ``JetStreamError`` if the cluster cannot be reached or refuses a stream.
    public init(
        local: any MessageQueue, settings: Settings, members: [ExchangeID], name: String
    ) throws(JetStreamError) {
        self.local = local
        self.settings = settings
        connection = try JetStreamConnection(servers: settings.servers, name: name, ackTimeout: settings.ackTimeout)
        for member in Set(members.map(\.member)) { try prepare(BusSubjects(recipient: member)) }
    }

    /// The stream and consumer of `subjects`' member, made on first use (a member a reload added).
    private func prepare(_ subjects: BusSubjects) throws(JetStreamError) {
        guard consumers.withLock({ $0[subjects.stream] }) == nil else { return }
        try connection.ensureStream(
            name: subjects.stream, subjects: [subjects.filter], replicas: settings.replicas,
            duplicateWindow: settings.duplicateWindow)
        let consumer = try connection.pullConsumer(
            stream: subjects.stream, subject: subjects.filter, durable: BusSubjects.durable, ackWait: settings.ackWait)
        consumers.withLock { $0[subjects.stream] = $0[subjects.stream] ?? consumer }
    }

    public func accept(_ message: QueuedMessage) async throws(MessageQueueError) -> MessageAcceptance {
        if let existing = try await local.record(id: message.id) { return .duplicate(existing) }
        guard let recipient = ExchangeID(message.recipient) else {
            throw MessageQueueError(.storage, "publish: recipient is not an identifier")
        }
        let ack: PublishAck
        do throws(JetStreamError) {
            try prepare(BusSubjects(recipient: recipient))
            ack = try await connection.publish(
                subject: BusSubjects.subject(recipient), messageID: message.id, payload: message.busPayload)
        } catch {
            throw MessageQueueError(.storage, error.description)
        }
        guard ack.duplicate else { return .stored }
        // Published before within the duplicate window: its record once the node store has it; until then the
        // stream holds the first one, not yet delivered.
        return .duplicate(try await local.record(id: message.id) ?? MessageRecord(message: message, state: .queued))
    }

    /// Stores a message another node handed over in the node store directly: this node delivers it as soon as this
    /// returns, which it could not if the message were on its way through the member's stream.
    public func acceptHandedOver(_ message: QueuedMessage) async throws(MessageQueueError) -> MessageAcceptance {
        try await local.accept(message)
    }

    /// The due messages of the node store; ``receive(limit:)`` brings them in from the streams.
    public func due(at now: Date, limit: Int) async throws(MessageQueueError) -> [MessageRecord] {
        try await local.due(at: now, limit: limit)
    }

    /// Claims due messages of the node store; ``receive(limit:)`` brings them in from the streams.
    public func claim(at now: Date, limit: Int, lease: Duration) async throws(MessageQueueError) -> [MessageRecord] {
        try await local.claim(at: now, limit: limit, lease: lease)
    }

    /// Moves up to `limit` messages per member stream from JetStream into the node store, in stream order: each
    /// fetched batch stored in one commit, then acknowledged with one round trip.
    ///
    /// The node's intake task calls it again and again beside the delivery worker, so that fetching the next batch
    /// overlaps delivering the last one. A stream that had nothing is asked again only after
    /// ``Settings/quietStreamInterval``: while one member's stream is busy, each pass costs the others no round
    /// trip. Its libnats calls block the calling thread for their round trips (up to ``Settings/fetchWait``, or
    /// ``Settings/ackTimeout`` for an ack during a failover).
    /// - Returns: how many messages were fetched (0: the streams asked had none ready).
    @discardableResult
    public func receive(limit: Int) async throws(MessageQueueError) -> Int {
        acknowledge(
            unacknowledged.withLock { waiting in
                defer { waiting = [] }
                return waiting
            })
        var received = 0
        let now = ContinuousClock.now
        let quiet = quietUntil.withLock { $0 }
        for (stream, consumer) in consumers.withLock({ $0 }) where quiet[stream].map({ now >= $0 }) ?? true {
            let fetched: [FetchedMessage]
            do throws(JetStreamError) {
                fetched = try consumer.fetch(batch: limit, timeout: settings.fetchWait)
            } catch {
                throw MessageQueueError(.storage, error.description)
            }
            quietUntil.withLock { $0[stream] = fetched.isEmpty ? now + settings.quietStreamInterval : nil }
            guard !fetched.isEmpty else { continue }
            // A payload that is no message (nothing this node published) is acknowledged away, not retried.
            _ = try await local.accept(fetched.compactMap { QueuedMessage(busPayload: $0.payload) })
            acknowledge(fetched)
            received += fetched.count
        }
        return received
    }

    /// Acknowledges messages the node store holds; a batch whose ack fails is acknowledged again at the next pull
    /// (meanwhile JetStream may deliver it again after the ack wait, which the store takes as repeats).
    private func acknowledge(_ batch: [FetchedMessage]) {
        do throws(JetStreamError) {
            try FetchedMessage.acknowledge(batch)
        } catch {
            unacknowledged.withLock { waiting in
                waiting.append(contentsOf: batch)
                // Past the consumer's ack-pending limit the oldest have been delivered again long ago.
                waiting.removeFirst(max(0, waiting.count - Self.maxUnacknowledged))
            }
        }
    }

    public func deliver(id: String, receipt: [UInt8], at time: Date) async throws(MessageQueueError) -> Bool {
        try await local.deliver(id: id, receipt: receipt, at: time)
    }

    /// The node store's batch, in one commit: the protocol's default would commit (and sync) each delivery alone.
    public func deliver(_ deliveries: [MessageDelivery]) async throws(MessageQueueError) -> [Bool] {
        try await local.deliver(deliveries)
    }

    public func retry(id: String, nextAttemptAt: Date, error: String) async throws(MessageQueueError) {
        try await local.retry(id: id, nextAttemptAt: nextAttemptAt, error: error)
    }

    public func deadLetter(id: String, error: String) async throws(MessageQueueError) {
        try await local.deadLetter(id: id, error: error)
    }

    public func record(id: String) async throws(MessageQueueError) -> MessageRecord? { try await local.record(id: id) }

    public func inbox(recipient: String, limit: Int) async throws(MessageQueueError) -> [MessageRecord] {
        try await local.inbox(recipient: recipient, limit: limit)
    }

    public func receiptsToReturn(at now: Date, limit: Int) async throws(MessageQueueError) -> [MessageRecord] {
        try await local.receiptsToReturn(at: now, limit: limit)
    }

    public func returnReceipt(id: String, nextAttemptAt: Date?) async throws(MessageQueueError) {
        try await local.returnReceipt(id: id, nextAttemptAt: nextAttemptAt)
    }

    public func acknowledge(
        id: String, recipient: String, receipt: [UInt8], at time: Date, returnAt: Date?
    ) async throws(MessageQueueError) -> Bool {
        try await local.acknowledge(id: id, recipient: recipient, receipt: receipt, at: time, returnAt: returnAt)
    }

    public func deadLetters() async throws(MessageQueueError) -> [MessageRecord] { try await local.deadLetters() }

    public func requeue(id: String, at now: Date, expiresAt: Date) async throws(MessageQueueError) -> Bool {
        try await local.requeue(id: id, at: now, expiresAt: expiresAt)
    }

    /// Closes the connection; publishes still waiting fail.
    public func close() {
        for consumer in consumers.withLock({ Array($0.values) }) { consumer.close() }
        connection.close()
    }
}
