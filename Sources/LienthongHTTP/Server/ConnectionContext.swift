internal import CEvent

/// What the server tracks per connection; touched only on its loop thread.
///
/// The context watches the connection's input to learn where the current request head ends (so an
/// over-long head is answered 431, not evhttp's 413), and its output to replace evhttp's own HTML error
/// pages with problem+json.
final class ConnectionContext {
    /// The loop that owns the connection (outlives it: the loop frees its connections before itself).
    unowned let loop: EventLoop
    /// The connection's bufferevent (owned by evhttp once handed over).
    let bufferEvent: OpaquePointer
    /// The evhttp connection, known from the first loop turn after accept.
    var connection: OpaquePointer?
    /// Requests of this connection that are with the handler.
    var inFlight = 0
    /// Whether the connection waits for the first byte of a new request (the idle timeout applies).
    var idle = true
    /// Bytes received since the current request started.
    var requestBytes = 0
    /// The length of the current request head including its blank line, once seen.
    var headLength: Int?
    /// The last bytes of the previous input chunk, to find a head end split across reads.
    var carry: [UInt8] = []
    /// Whether an evhttp error page was replaced; the output is then frozen until the connection closes.
    var replacedErrorPage = false
    /// Guards against reacting to our own edits of the output buffer.
    var rewriting = false
    /// The request whose response is being streamed on this connection, if any.
    var streamID: UInt64?

    init(loop: EventLoop, bufferEvent: OpaquePointer) {
        self.loop = loop
        self.bufferEvent = bufferEvent
    }

    /// Starts tracking a new request; `buffered` is what is already waiting in the input buffer.
    func startRequest(buffered input: OpaquePointer) {
        requestBytes = 0
        headLength = nil
        carry = []
        let length = evbuffer_get_length(input)
        idle = length == 0
        if length > 0 {
            var bytes = [UInt8](repeating: 0, count: length)
            _ = evbuffer_copyout(input, &bytes, length)
            observe(bytes)
        }
    }

    /// Feeds bytes received for the current request.
    func observe(_ bytes: [UInt8]) {
        defer { requestBytes += bytes.count }
        guard headLength == nil else { return }
        let window = carry + bytes
        let end: [UInt8] = [13, 10, 13, 10]
        if window.count >= 4 {
            for index in 0...(window.count - 4) where window[index..<index + 4].elementsEqual(end) {
                headLength = requestBytes - carry.count + index + 4
                return
            }
        }
        carry = Array(window.suffix(3))
    }

    /// Whether the current request's head is longer than `limit` bytes (counting what arrived so far
    /// when it has not ended yet).
    ///
    /// evhttp gives up on an over-long head with a 400 page; this tells that case from a malformed head.
    func headExceeds(_ limit: Int) -> Bool {
        (headLength ?? requestBytes) > limit
    }
}
