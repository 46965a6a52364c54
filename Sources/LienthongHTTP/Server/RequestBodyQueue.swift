/// The chunks of a streamed request body between the loop, which reads them from the connection, and the handler,
/// which takes them through its ``HTTPRequestBody``.
///
/// Loop-thread only, like the loop's other state: the handler reaches it through the loop (`onLoop`).
final class RequestBodyQueue: @unchecked Sendable {
    /// Chunks not yet taken; `first` indexes the oldest.
    private var chunks: [[UInt8]] = []
    private var first = 0
    /// Bytes held in `chunks`.
    private(set) var buffered = 0
    /// How the body ended, once it did: `.success` when the last byte was read.
    var end: Result<Void, HTTPRequestBodyError>?
    /// The handler waiting for the next chunk.
    var waiter: CheckedContinuation<Result<[UInt8]?, HTTPRequestBodyError>, Never>?
    /// Whether the loop stopped reading the connection because the handler is behind.
    var paused = false
    /// Whether the client waits for `100 Continue` before it sends the body.
    var continueExpected: Bool
    /// The connection, while it is open.
    weak var context: ConnectionContext?

    init(context: ConnectionContext, continueExpected: Bool) {
        self.context = context
        self.continueExpected = continueExpected
    }

    /// Hands `bytes` to the waiting handler, or keeps them.
    func push(_ bytes: [UInt8]) {
        guard !bytes.isEmpty, end == nil else { return }
        if let waiter {
            self.waiter = nil
            waiter.resume(returning: .success(bytes))
            return
        }
        chunks.append(bytes)
        buffered += bytes.count
    }

    /// The oldest chunk kept, if any.
    func take() -> [UInt8]? {
        guard first < chunks.count else { return nil }
        let chunk = chunks[first]
        chunks[first] = []
        first += 1
        buffered -= chunk.count
        if first == chunks.count {
            chunks.removeAll(keepingCapacity: true)
            first = 0
        }
        return chunk
    }

    /// The body ended (`.success`: read in full); a waiting handler learns it now.
    func finish(_ result: Result<Void, HTTPRequestBodyError>) {
        guard end == nil else { return }
        end = result
        if case .failure = result {
            chunks = []
            first = 0
            buffered = 0
        }
        guard let waiter, buffered == 0 else { return }
        self.waiter = nil
        waiter.resume(returning: result.map { nil })
    }
}
