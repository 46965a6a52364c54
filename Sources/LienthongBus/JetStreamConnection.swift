import Foundation
import CNats
import Synchronization

/// One libnats connection to a JetStream cluster and its JetStream context.
///
/// libnats runs its own threads (reading, reconnecting, the ack handler); what they produce comes back to Swift
/// through one continuation per call (``publish(subject:messageID:payload:)``), nothing else. The connection
/// reconnects to any server of the list for as long as it lives; publishes made meanwhile wait in libnats' reconnect
/// buffer, bounded by the acknowledgement timeout.
public final class JetStreamConnection: Sendable {
    private struct Handles: @unchecked Sendable {
        // libnats objects are thread-safe; they are destroyed once, in `close()`, under the mutex.
        var connection: OpaquePointer?
        var context: OpaquePointer?
    }

    private let handles: Mutex<Handles>
    private let pending: PendingAcks
    /// How long a publish waits for its acknowledgement before it fails.
    public let ackTimeout: Duration
    /// How long making or reading a stream or a consumer waits for the cluster, never less than ``ackTimeout``: a
    /// replicated stream is answered once the cluster has placed it and elected its leader, seconds in a cluster just
    /// formed or replacing a server, and a node set to fail publishes fast must still make its streams.
    public let managementTimeout: Duration

    /// Connects to `servers` (`nats://127.0.0.1:4222`, …) as `name`.
    /// - Throws: ``JetStreamError/Code/connect`` if no server answers.
    public init(
        servers: [String], name: String, ackTimeout: Duration = .seconds(10),
        managementTimeout: Duration = .seconds(30)
    ) throws(JetStreamError) {
        var options: OpaquePointer?
        try NATSStatus.check(natsOptions_Create(&options), .connect, "options")
        defer { natsOptions_Destroy(options) }
        try NATSStatus.withCStrings(servers) { list throws(JetStreamError) in
            try NATSStatus.check(natsOptions_SetServers(options, list, Int32(servers.count)), .connect, "servers")
        }
        try NATSStatus.check(natsOptions_SetName(options, name), .connect, "name")
        // Reconnect for as long as the node runs: a server killed is a server the cluster replaces.
        try NATSStatus.check(natsOptions_SetMaxReconnect(options, -1), .connect, "reconnect")
        try NATSStatus.check(natsOptions_SetReconnectWait(options, 100), .connect, "reconnect wait")
        var connection: OpaquePointer?
        try NATSStatus.check(natsConnection_Connect(&connection, options), .connect, "connect")

        let pending = PendingAcks()
        var jetStreamOptions = jsOptions()
        jsOptions_Init(&jetStreamOptions)
        jetStreamOptions.Wait = Int64(ackTimeout.milliseconds)
        jetStreamOptions.PublishAsync.MaxPending = 65_536
        jetStreamOptions.PublishAsync.AckHandler = Self.ackHandler
        jetStreamOptions.PublishAsync.AckHandlerClosure = Unmanaged.passUnretained(pending).toOpaque()
        var context: OpaquePointer?
        let status = natsConnection_JetStream(&context, connection, &jetStreamOptions)
        guard status == NATS_OK else {
            natsConnection_Destroy(connection)
            throw JetStreamError(.connect, NATSStatus.describe(status, "jetstream context"))
        }
        self.pending = pending
        self.ackTimeout = ackTimeout
        self.managementTimeout = max(managementTimeout, ackTimeout)
        handles = Mutex(Handles(connection: connection, context: context))
    }

    /// Per-call JetStream options that wait ``managementTimeout`` for the cluster's answer.
    func managementOptions() -> jsOptions {
        var options = jsOptions()
        jsOptions_Init(&options)
        options.Wait = managementTimeout.milliseconds
        return options
    }

    /// libnats' ack handler: hands the outcome to the publish's waiter, then frees the message (it is ours).
    private static let ackHandler: jsPubAckHandler = { _, message, ack, error, closure in
        if let closure {
            Unmanaged<PendingAcks>.fromOpaque(closure).takeUnretainedValue().acknowledged(
                message, ack: ack, error: error)
        }
        natsMsg_Destroy(message)
    }

    /// The JetStream context, or the error a closed connection answers.
    func context(_ code: JetStreamError.Code) throws(JetStreamError) -> OpaquePointer {
        guard let context = handles.withLock({ $0.context }) else { throw JetStreamError(code, "connection closed") }
        return context
    }

    /// Publishes `payload` on `subject` with `Nats-Msg-Id: messageID`; returns once JetStream acknowledged it
    /// (stored, replicated to its stream's quorum), or reports that the same id was stored before.
    /// - Throws: ``JetStreamError/Code/publish`` if it was refused or the acknowledgement did not come in time.
    public func publish(subject: String, messageID: String, payload: [UInt8]) async throws(JetStreamError)
        -> PublishAck
    {
        let context = try context(.publish)
        let result = await withCheckedContinuation { (waiter: PendingAcks.Waiter) in
            let token = pending.add(waiter)
            do throws(JetStreamError) {
                try Self.send(context, subject: subject, messageID: messageID, payload: payload, token: token,
                    maxWait: ackTimeout)
            } catch {
                pending.resume(token, with: .failure(error))
            }
        }
        return try result.get()
    }

    /// A libnats message of `payload` on `subject` with `headers`, owned by the caller (destroyed here if a header
    /// cannot be set).
    static func message(
        subject: String, payload: [UInt8], headers: [(String, String)]
    ) throws(JetStreamError) -> OpaquePointer? {
        var message: OpaquePointer?
        let created = payload.withUnsafeBufferPointer {
            natsMsg_Create(
                &message, subject, nil, UnsafeRawPointer($0.baseAddress)?.assumingMemoryBound(to: CChar.self),
                Int32($0.count))
        }
        try NATSStatus.check(created, .publish, "message")
        do throws(JetStreamError) {
            for (name, value) in headers {
                try NATSStatus.check(natsMsgHeader_Set(message, name, value), .publish, "header")
            }
        } catch {
            natsMsg_Destroy(message)
            throw error
        }
        return message
    }

    private static func send(
        _ context: OpaquePointer, subject: String, messageID: String, payload: [UInt8], token: UInt64,
        maxWait: Duration
    ) throws(JetStreamError) {
        var message = try Self.message(
            subject: subject, payload: payload, headers: [(PendingAcks.tokenHeader, String(token))])
        do throws(JetStreamError) {
            var options = jsPubOptions()
            jsPubOptions_Init(&options)
            options.MaxWait = Int64(maxWait.milliseconds)
            let status = messageID.withCString { id in
                options.MsgId = id
                // On success libnats owns the message (and sets `message` to nil); the ack handler frees it.
                return js_PublishMsgAsync(context, &message, &options)
            }
            try NATSStatus.check(status, .publish, "publish")
        } catch {
            natsMsg_Destroy(message)
            throw error
        }
    }

    /// How a stream keeps its messages.
    public enum StreamRetention: Sendable, Hashable {
        /// Until its consumer acknowledges them: documents, gone once the recipient's node has them in its inbox.
        case workQueue
        /// For any reader, within limits (`nil`: none), the oldest dropped first: change events, read by sequence.
        case limits(maxMessages: Int?, maxAge: Duration?)
    }

    /// Creates the stream `name` over `subjects`, or updates it to this configuration when it exists.
    /// - Throws: ``JetStreamError/Code/stream`` if JetStream refuses, or the stream exists over other subjects (a
    ///   name two members would share).
    public func ensureStream(
        name: String, subjects: [String], replicas: Int, duplicateWindow: Duration,
        retention: StreamRetention = .workQueue
    ) throws(JetStreamError) {
        let context = try context(.stream)
        var options = managementOptions()
        var existing: UnsafeMutablePointer<jsStreamInfo>?
        var code = jsErrCode(0)
        let found = js_GetStreamInfo(&existing, context, name, &options, &code)
        if found == NATS_OK, let existing {
            defer { jsStreamInfo_Destroy(existing) }
            let config = existing.pointee.Config.pointee
            let current = (0..<Int(config.SubjectsLen)).compactMap { config.Subjects[$0].map { String(cString: $0) } }
            guard current == subjects else {
                throw JetStreamError(.stream, "stream \(name) exists over other subjects")
            }
        } else if found != NATS_NOT_FOUND {
            throw JetStreamError(.stream, NATSStatus.describe(found, "stream info \(name)", jetStream: code))
        }
        try NATSStatus.withCStrings(subjects) { list throws(JetStreamError) in
            var config = jsStreamConfig()
            jsStreamConfig_Init(&config)
            let status = name.withCString { cName in
                config.Name = cName
                config.Subjects = list
                config.SubjectsLen = Int32(subjects.count)
                config.Storage = js_FileStorage
                switch retention {
                case .workQueue:
                    config.Retention = js_WorkQueuePolicy
                case .limits(let maxMessages, let maxAge):
                    config.Retention = js_LimitsPolicy
                    config.Discard = js_DiscardOld
                    config.MaxMsgs = Int64(maxMessages ?? -1)
                    config.MaxAge = maxAge?.nanoseconds ?? 0
                }
                config.Replicas = Int64(replicas)
                config.Duplicates = Int64(duplicateWindow.nanoseconds)
                var info: UnsafeMutablePointer<jsStreamInfo>?
                let status =
                    found == NATS_OK
                    ? js_UpdateStream(&info, context, &config, &options, &code)
                    : js_AddStream(&info, context, &config, &options, &code)
                if let info { jsStreamInfo_Destroy(info) }
                return status
            }
            try NATSStatus.check(status, .stream, "stream \(name)", jetStream: code)
        }
    }

    /// A durable pull consumer `durable` on `stream` over `subject`, created if missing.
    /// - Throws: ``JetStreamError/Code/stream`` if it cannot be created or bound.
    public func pullConsumer(
        stream: String, subject: String, durable: String, ackWait: Duration
    ) throws(JetStreamError) -> PullConsumer {
        let context = try context(.stream)
        var subscription: OpaquePointer?
        var code = jsErrCode(0)
        var jetStreamOptions = managementOptions()
        var options = jsSubOptions()
        jsSubOptions_Init(&options)
        let status = stream.withCString { cStream in
            options.Stream = cStream
            options.Config.AckWait = Int64(ackWait.nanoseconds)
            options.Config.MaxAckPending = 4096
            return js_PullSubscribe(&subscription, context, subject, durable, &jetStreamOptions, &options, &code)
        }
        try NATSStatus.check(status, .stream, "consumer \(durable) on \(stream)", jetStream: code)
        return PullConsumer(subscription: subscription, connection: self, stream: stream, durable: durable)
    }

    /// Fails the publishes still waiting and closes the connection; later calls throw.
    public func close() {
        let closing = handles.withLock { handles in
            defer { handles = Handles(connection: nil, context: nil) }
            return handles
        }
        pending.failAll("connection closed")
        if let context = closing.context { jsCtx_Destroy(context) }
        if let connection = closing.connection {
            natsConnection_Close(connection)
            natsConnection_Destroy(connection)
        }
    }

    deinit { close() }
}

extension Duration {
    /// Whole milliseconds, as libnats counts most of its times.
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
    /// Whole nanoseconds, as JetStream counts its times.
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
