import CNats
import Foundation

/// The synchronous calls the change-event log makes besides making its stream (``JetStreamConnection/ensureStream``,
/// with Limits retention): a publish that names the stream sequence it must follow, reads and purges by sequence.
/// Each blocks the caller for one round trip (as a PostgreSQL call does); the event log is called from the change
/// publisher and from `GET /v1/events`. Reads and publishes wait the ack timeout, as they touch a stream that exists;
/// only the purge, like making the stream, waits ``JetStreamConnection/managementTimeout``.
extension JetStreamConnection {
    /// Where a stream stands: its first and last sequence and how many messages it holds.
    struct StreamPosition: Sendable, Equatable {
        var first: UInt64
        var last: UInt64
        var messages: UInt64
    }

    /// What a publish with an expected last sequence came to.
    enum ExpectedPublish: Sendable, Equatable {
        /// Stored (or, a repeat of a stored id, found stored) at this sequence.
        case stored(sequence: UInt64, duplicate: Bool)
        /// The stream's last sequence was not the one expected: another writer published first.
        case wrongLastSequence
    }

    /// The position of stream `name`, or `nil` if there is no such stream.
    func position(stream name: String) throws(JetStreamError) -> StreamPosition? {
        let context = try context(.fetch)
        var info: UnsafeMutablePointer<jsStreamInfo>?
        var code = jsErrCode(0)
        let status = js_GetStreamInfo(&info, context, name, nil, &code)
        defer { if let info { jsStreamInfo_Destroy(info) } }
        if status == NATS_NOT_FOUND { return nil }
        try NATSStatus.check(status, .fetch, "stream info \(name)", jetStream: code)
        guard let state = info?.pointee.State else { return nil }
        return StreamPosition(first: state.FirstSeq, last: state.LastSeq, messages: state.Msgs)
    }

    /// Publishes `payload` on `subject` with `headers` and `Nats-Msg-Id: messageID`, stored only if the stream's last
    /// sequence is `expectedLast` (0: the subject holds no message yet); waits for the acknowledgement.
    /// - Throws: ``JetStreamError/Code/publish`` if JetStream refused for another reason or did not answer in time.
    func publish(
        subject: String, messageID: String, payload: [UInt8], headers: [(String, String)], expectedLast: UInt64
    ) throws(JetStreamError) -> ExpectedPublish {
        let context = try context(.publish)
        let message = try Self.message(subject: subject, payload: payload, headers: headers)
        defer { natsMsg_Destroy(message) }
        var options = jsPubOptions()
        jsPubOptions_Init(&options)
        options.MaxWait = ackTimeout.milliseconds
        // The stream sequence survives purges, the subject's does not: the stream's is checked, except for the first
        // message, which JetStream 2.9 can only require through "no message on the subject yet".
        if expectedLast == 0 { options.ExpectNoMessage = true } else { options.ExpectLastSeq = expectedLast }
        var ack: UnsafeMutablePointer<jsPubAck>?
        var code = jsErrCode(0)
        let status = messageID.withCString { id in
            options.MsgId = id
            return js_PublishMsg(&ack, context, message, &options, &code)
        }
        defer { if let ack { jsPubAck_Destroy(ack) } }
        if code == JSStreamWrongLastSequenceErr { return .wrongLastSequence }
        try NATSStatus.check(status, .publish, "publish", jetStream: code)
        guard let ack else { throw JetStreamError(.publish, "publish: no acknowledgement") }
        return .stored(sequence: ack.pointee.Sequence, duplicate: ack.pointee.Duplicate)
    }

    /// The message at `sequence` of stream `name` (payload and the headers asked for), or `nil` if it is gone.
    func message(
        stream name: String, sequence: UInt64, headers: [String]
    ) throws(JetStreamError) -> (payload: [UInt8], headers: [String: String])? {
        let context = try context(.fetch)
        var message: OpaquePointer?
        var code = jsErrCode(0)
        let status = js_GetMsg(&message, context, name, sequence, nil, &code)
        defer { if let message { natsMsg_Destroy(message) } }
        if status == NATS_NOT_FOUND { return nil }
        try NATSStatus.check(status, .fetch, "get \(name) #\(sequence)", jetStream: code)
        var payload: [UInt8] = []
        let length = Int(natsMsg_GetDataLength(message))
        if length > 0, let data = natsMsg_GetData(message) {
            payload = Array(UnsafeRawBufferPointer(start: data, count: length))
        }
        var found: [String: String] = [:]
        for header in headers {
            var value: UnsafePointer<CChar>?
            if natsMsgHeader_Get(message, header, &value) == NATS_OK, let value {
                found[header] = String(cString: value)
            }
        }
        return (payload, found)
    }

    /// Purges the messages of stream `name` below sequence `below`.
    func purge(stream name: String, below: UInt64) throws(JetStreamError) {
        let context = try context(.stream)
        var options = managementOptions()
        options.Stream.Purge.Sequence = below
        var code = jsErrCode(0)
        try NATSStatus.check(js_PurgeStream(context, name, &options, &code), .stream, "purge \(name)", jetStream: code)
    }
}
