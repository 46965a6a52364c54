import CNats
import Synchronization

/// A durable pull consumer bound by one subscription: fetches the next messages of its stream, in stream order.
public final class PullConsumer: Sendable {
    private struct Handle: @unchecked Sendable {
        // A libnats subscription; one fetch at a time (the mutex), destroyed once.
        var subscription: OpaquePointer?
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

    /// Up to `batch` messages that are ready now; none (not an error) when the stream has none for this consumer.
    ///
    /// It first asks the consumer's counts (one round trip on the calling thread, as long as a local disk write) and
    /// fetches only when messages are pending, asking the server not to wait for a full batch (`no_wait`); the
    /// server answers at once with what it has. `timeout` bounds the wait when a message was only waiting for its
    /// redelivery, or the cluster is electing a leader.
    /// - Throws: ``JetStreamError/Code/fetch`` on any other failure.
    public func fetch(batch: Int, timeout: Duration) throws(JetStreamError) -> [FetchedMessage] {
        try handle.withLock { handle throws(JetStreamError) -> [FetchedMessage] in
            guard let subscription = handle.subscription else { throw JetStreamError(.fetch, "consumer closed") }
            guard try hasPending() else { return [] }
            var request = jsFetchRequest()
            jsFetchRequest_Init(&request)
            request.Batch = Int32(batch)
            request.NoWait = true
            // With no_wait, server 2.9 waits up to `Expires` only while it has nothing to send.
            request.Expires = timeout.nanoseconds
            var list = natsMsgList()
            let status = natsSubscription_FetchRequest(&list, subscription, &request)
            defer { natsMsgList_Destroy(&list) }
            guard status == NATS_OK else {
                if status == NATS_TIMEOUT || status == NATS_NOT_FOUND { return [] }
                throw JetStreamError(.fetch, NATSStatus.describe(status, "fetch"))
            }
            var messages: [FetchedMessage] = []
            for index in 0..<Int(list.Count) {
                // Taken out of the list, so that destroying the list leaves it to the FetchedMessage.
                messages.append(FetchedMessage(list.Msgs[index]))
                list.Msgs[index] = nil
            }
            return messages
        }
    }

    /// Whether the consumer has messages not yet delivered, or delivered and not acknowledged (due again after the
    /// ack wait).
    ///
    /// Asked by stream and consumer name, not through the subscription: libnats 3.4 knows the consumer's name only
    /// on a subscription whose subscribe created the consumer, and answers "invalid subscription" on one that bound
    /// to an existing consumer (every node of an agency but the first, and a node restarted after a crash).
    private func hasPending() throws(JetStreamError) -> Bool {
        var info: UnsafeMutablePointer<jsConsumerInfo>?
        var code = jsErrCode(0)
        let context = try connection.context(.fetch)
        try NATSStatus.check(
            js_GetConsumerInfo(&info, context, stream, durable, nil, &code), .fetch, "consumer info", jetStream: code)
        defer { jsConsumerInfo_Destroy(info) }
        guard let info else { return false }
        return info.pointee.NumPending > 0 || info.pointee.NumAckPending > 0
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

    init(_ message: OpaquePointer?) {
        handle = Handle(message: message)
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
