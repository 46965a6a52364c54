import CNats
import Synchronization

/// A durable pull consumer bound by one subscription: fetches the next messages of its stream, in stream order.
///
/// Stream order holds across a failover too. A fetch whose answer was lost (the server that carried it killed) leaves
/// its messages delivered and unacknowledged until the ack wait brings them again; what is fetched meanwhile, behind
/// such a message, is held here until it comes (see ``fetch(batch:timeout:)``).
public final class PullConsumer: Sendable {
    private struct Handle: @unchecked Sendable {
        // A libnats subscription; one fetch at a time (the mutex), destroyed once.
        var subscription: OpaquePointer?
        /// Fetched messages not handed out yet, by stream sequence: behind an older one delivered elsewhere.
        var held: [UInt64: FetchedMessage] = [:]
    }

    private let handle: Mutex<Handle>
    private let connection: JetStreamConnection
    private let stream: String
    private let durable: String

    init(subscription: OpaquePointer?, connection: JetStreamConnection, stream: String, durable: String) {
        handle = Mutex(Handle(subscription: subscription))
        self.connection = connection
        self.stream = stream
        self.durable = durable
    }

    /// Up to about `batch` messages that are ready now, in stream order; none (not an error) when the stream has none
    /// for this consumer, or when they are behind an older message still delivered elsewhere.
    ///
    /// It first asks the consumer's counts (one round trip on the calling thread, as long as a local disk write) and
    /// fetches only when messages are pending, asking the server not to wait for a full batch (`no_wait`); the
    /// server answers at once with what it has. `timeout` bounds the wait when a message was only waiting for its
    /// redelivery, or the cluster is electing a leader.
    ///
    /// Every message up to the consumer's ack floor is acknowledged. When more messages await an ack than this
    /// consumer holds, the others are in another puller's hands, or in a fetch answer that was lost (they come again
    /// after the ack wait if nobody acknowledges them): then only the run of held messages from the ack floor on,
    /// without a gap, is handed out, and the rest stay held (unacknowledged: JetStream delivers them again after the
    /// ack wait, and the newest delivery replaces the one held). Otherwise all are handed out.
    /// - Throws: ``JetStreamError/Code/fetch`` on any other failure.
    public func fetch(batch: Int, timeout: Duration) throws(JetStreamError) -> [FetchedMessage] {
        try handle.withLock { handle throws(JetStreamError) -> [FetchedMessage] in
            guard let subscription = handle.subscription else { throw JetStreamError(.fetch, "consumer closed") }
            let state = try consumerState()
            // Acknowledged since (by another node, or a copy of one this node stored): not to hand out again.
            handle.held = handle.held.filter { $0.key > state.ackFloor }
            guard state.hasPending else { return [] }
            let elsewhere = state.awaitingAck > handle.held.count
            var request = jsFetchRequest()
            jsFetchRequest_Init(&request)
            request.Batch = Int32(batch)
            request.NoWait = true
            // With no_wait, server 2.9 waits up to `Expires` only while it has nothing to send.
            request.Expires = timeout.nanoseconds
            var list = natsMsgList()
            let status = natsSubscription_FetchRequest(&list, subscription, &request)
            defer { natsMsgList_Destroy(&list) }
            guard status == NATS_OK || status == NATS_TIMEOUT || status == NATS_NOT_FOUND else {
                throw JetStreamError(.fetch, NATSStatus.describe(status, "fetch"))
            }
            for index in 0..<Int(status == NATS_OK ? list.Count : 0) {
                // Taken out of the list, so that destroying the list leaves it to the FetchedMessage.
                let message = FetchedMessage(list.Msgs[index])
                list.Msgs[index] = nil
                handle.held[message.streamSequence] = message
            }
            var ready: [FetchedMessage] = []
            if elsewhere {
                var next = state.ackFloor + 1
                while let message = handle.held.removeValue(forKey: next) {
                    ready.append(message)
                    next += 1
                }
            } else {
                ready = handle.held.values.sorted { $0.streamSequence < $1.streamSequence }
                handle.held = [:]
            }
            return ready
        }
    }

    /// What the consumer's leader says before a fetch.
    private struct ConsumerState {
        /// Messages not yet delivered, or delivered and not acknowledged (due again after the ack wait).
        var hasPending: Bool
        /// How many messages were delivered and are not acknowledged.
        var awaitingAck: Int
        /// The stream sequence up to which every message is acknowledged.
        var ackFloor: UInt64
    }

    /// The consumer's counts and ack floor.
    ///
    /// Asked by stream and consumer name, not through the subscription: libnats 3.4 knows the consumer's name only
    /// on a subscription whose subscribe created the consumer, and answers "invalid subscription" on one that bound
    /// to an existing consumer (every node of an agency but the first, and a node restarted after a crash).
    private func consumerState() throws(JetStreamError) -> ConsumerState {
        var info: UnsafeMutablePointer<jsConsumerInfo>?
        var code = jsErrCode(0)
        let context = try connection.context(.fetch)
        try NATSStatus.check(
            js_GetConsumerInfo(&info, context, stream, durable, nil, &code), .fetch, "consumer info", jetStream: code)
        defer { jsConsumerInfo_Destroy(info) }
        guard let info = info?.pointee else { return ConsumerState(hasPending: false, awaitingAck: 0, ackFloor: 0) }
        return ConsumerState(
            hasPending: info.NumPending > 0 || info.NumAckPending > 0, awaitingAck: Int(info.NumAckPending),
            ackFloor: info.AckFloor.Stream)
    }

    /// Stops this node's interest; the durable consumer stays on the server for the agency's other nodes and for
    /// this node's next start.
    public func close() {
        let subscription = handle.withLock { handle in
            defer { handle.subscription = nil }
            return handle.subscription
        }
        // Not `natsSubscription_Unsubscribe`: on a subscription whose subscribe created the consumer, libnats
        // deletes the consumer too. `Destroy` removes the interest and keeps the consumer.
        if let subscription { natsSubscription_Destroy(subscription) }
    }

    deinit { close() }
}

/// One message fetched from a pull consumer, to acknowledge once its content is safely elsewhere.
public final class FetchedMessage: Sendable {
    private struct Handle: @unchecked Sendable {
        // A libnats message, owned here; acknowledging it is thread-safe, it is destroyed once in deinit.
        let message: OpaquePointer?
    }

    private let handle: Handle
    /// The message's payload.
    public let payload: [UInt8]
    /// Its sequence in the stream (0 for a message without JetStream metadata).
    public let streamSequence: UInt64

    init(_ message: OpaquePointer?) {
        handle = Handle(message: message)
        var metadata: UnsafeMutablePointer<jsMsgMetaData>?
        if natsMsg_GetMetaData(&metadata, message) == NATS_OK, let metadata {
            streamSequence = metadata.pointee.Sequence.Stream
            jsMsgMetaData_Destroy(metadata)
        } else {
            streamSequence = 0
        }
        let length = Int(natsMsg_GetDataLength(message))
        if length > 0, let data = natsMsg_GetData(message) {
            payload = data.withMemoryRebound(to: UInt8.self, capacity: length) {
                Array(UnsafeBufferPointer(start: $0, count: length))
            }
        } else {
            payload = []
        }
    }

    /// Acknowledges `batch` with one round trip: every ack but the last leaves without waiting, the last
    /// (``acknowledge()``) waits for the server's confirmation, which comes after the earlier ones (one connection
    /// carries them in order to the consumer's leader).
    public static func acknowledge(_ batch: [FetchedMessage]) throws(JetStreamError) {
        guard let last = batch.last else { return }
        for message in batch.dropLast() {
            try NATSStatus.check(natsMsg_Ack(message.handle.message, nil), .fetch, "ack")
        }
        try last.acknowledge()
    }

    /// Acknowledges it and waits for the server to confirm: the stream may forget it. An ack left in the client's
    /// buffer when the connection closes would be lost, and the stream would hand the message to the next puller
    /// after the ack wait (which the receiver must still take as a repeat, after a crash).
    public func acknowledge() throws(JetStreamError) {
        try NATSStatus.check(natsMsg_AckSync(handle.message, nil, nil), .fetch, "ack")
    }

    deinit { natsMsg_Destroy(handle.message) }
}
