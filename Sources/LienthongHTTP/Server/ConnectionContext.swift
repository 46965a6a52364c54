internal import CEvent

/// What the server tracks per connection; touched only on its loop thread.
///
/// The context watches the connection's input before evhttp reads it, feeding the connection's
/// ``EventLoop/StateMachine`` (which holds a request head back until it is complete and checked), and its output,
/// to replace evhttp's own HTML error pages with problem+json.
final class ConnectionContext {
    /// The loop that owns the connection (outlives it: the loop frees its connections before itself).
    unowned let loop: EventLoop
    /// The connection's bufferevent (owned by evhttp once handed over).
    let bufferEvent: OpaquePointer
    /// The evhttp connection, known from the first loop turn after accept.
    var connection: OpaquePointer?
    /// The connection's framing and deadlines.
    var machine: EventLoop.StateMachine
    /// The client address counted in the server's ``AddressLimiter``, released when the connection closes.
    var countedAddress: String?
    /// Requests of this connection that are with the handler.
    var inFlight = 0
    /// Whether the connection waits for the first byte of a new request (the idle timeout applies).
    var idle = true
    /// Whether an evhttp error page was replaced; the output is then frozen until the connection closes.
    var replacedErrorPage = false
    /// Guards against reacting to our own edits of the output buffer.
    var rewriting = false
    /// Guards against reacting to our own edits of the input buffer.
    var editingInput = false
    /// The socket kept open after a refusal, so the client reads the answer (see ``LingeringSocket``).
    var lingeringSocket: LingeringSocket?
    /// The request whose response is being streamed on this connection, if any.
    var streamID: UInt64?
    /// The streamed body of the request with the handler, while it is read (see `EventLoop+RequestBodies.swift`).
    var requestBody: RequestBodyQueue?
    /// Whether the end of the TLS handshake was told to the observer.
    var handshakeObserved = false

    init(loop: EventLoop, bufferEvent: OpaquePointer, machine: EventLoop.StateMachine) {
        self.loop = loop
        self.bufferEvent = bufferEvent
        self.machine = machine
    }
}
