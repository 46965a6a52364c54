import CNats
import Synchronization

/// The publishes waiting for their acknowledgement, each with the one continuation its caller awaits.
///
/// libnats calls ``acknowledged(_:ack:error:)`` on its own thread for every asynchronous publish; the entry is found
/// by the publish's token (a header of the message) and its continuation resumed there, once.
final class PendingAcks: Sendable {
    /// The header that carries a publish's token (the message id alone would not tell two racing publishes apart).
    static let tokenHeader = "Lienthong-Publish"

    typealias Waiter = CheckedContinuation<Result<PublishAck, JetStreamError>, Never>

    private let waiters = Mutex<(next: UInt64, byToken: [UInt64: Waiter])>((0, [:]))

    /// Registers `waiter` under a new token, which the caller puts on the message before publishing it.
    func add(_ waiter: Waiter) -> UInt64 {
        waiters.withLock { state in
            state.next += 1
            state.byToken[state.next] = waiter
            return state.next
        }
    }

    /// Resumes and forgets the waiter of `token`, if it still waits.
    func resume(_ token: UInt64, with result: Result<PublishAck, JetStreamError>) {
        let waiter = waiters.withLock { $0.byToken.removeValue(forKey: token) }
        waiter?.resume(returning: result)
    }

    /// The ack handler's work for one message: its token from the header, then its outcome.
    func acknowledged(
        _ message: OpaquePointer?, ack: UnsafeMutablePointer<jsPubAck>?, error: UnsafeMutablePointer<jsPubAckErr>?
    ) {
        var value: UnsafePointer<CChar>?
        guard natsMsgHeader_Get(message, Self.tokenHeader, &value) == NATS_OK, let value,
            let token = UInt64(String(cString: value))
        else { return }
        if let ack {
            resume(token, with: .success(PublishAck(sequence: ack.pointee.Sequence, duplicate: ack.pointee.Duplicate)))
        } else {
            let status = error?.pointee.Err ?? NATS_ERR
            let code = error?.pointee.ErrCode ?? jsErrCode(0)
            resume(token, with: .failure(JetStreamError(.publish, NATSStatus.describe(status, "ack", jetStream: code))))
        }
    }

    /// Fails every waiter (the connection is closing).
    func failAll(_ detail: String) {
        let all = waiters.withLock { state in
            defer { state.byToken.removeAll() }
            return Array(state.byToken.values)
        }
        for waiter in all { waiter.resume(returning: .failure(JetStreamError(.publish, detail))) }
    }
}
