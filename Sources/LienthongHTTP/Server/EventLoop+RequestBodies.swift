internal import CEvent
internal import CLienthongShims
private import Foundation

// Streamed request bodies (``StreamedBodyRoute``). libevent 2.1 has no way to reach a server request before its
// body is read (`evhttp_set_newreqcb` came in 2.2, and `evhttp_request_set_chunked_cb` needs the request), so evhttp
// reads such a request's head without its `Content-Length` and hands it over at once; the input watcher then passes
// the body bytes to the handler's queue, and the loop switches reading off while the queue is above the high-water
// mark, so the kernel's window, not the node's memory, holds what the handler has not taken yet.
extension EventLoop {
    /// Queued bytes above which the loop stops reading the connection.
    static let bodyHighWater = 1024 * 1024
    /// Queued bytes at or below which reading resumes.
    static let bodyLowWater = 256 * 1024

    /// Takes the streamed body of the request evhttp just handed over on `context`'s connection; `nil` when the
    /// request's body does not stream.
    func attachBody(_ context: ConnectionContext) -> (HTTPRequestBody, framing: [HTTPHeaders.Field])? {
        guard let start = context.machine.attachBody() else { return nil }
        let expects = start.framing.contains {
            $0.name.lowercased() == "expect" && $0.value.lowercased() == "100-continue"
        }
        let queue = RequestBodyQueue(context: context, continueExpected: expects && start.early.isEmpty)
        context.requestBody = queue
        queue.push(start.early)
        if start.complete {
            queue.finish(.success(()))
        } else {
            // evhttp stopped reading for the handler, and would take more bytes as a next request: the loop reads
            // the body itself, with evhttp's read and write callbacks out of the way; its event callback still
            // sees the end of the connection and the read timeout.
            var event: bufferevent_event_cb?
            var argument: UnsafeMutableRawPointer?
            bufferevent_getcb(context.bufferEvent, nil, nil, &event, &argument)
            bufferevent_setcb(context.bufferEvent, ignoreBufferEvent, ignoreBufferEvent, event, argument)
            bufferevent_enable(context.bufferEvent, Int16(EV_READ))
        }
        let body = HTTPRequestBody { [self] in
            await onLoop(otherwise: .failure(HTTPRequestBodyError(code: .connectionLost))) {
                await self.nextChunk(queue)
            }
        }
        return (body, start.framing)
    }

    /// Body bytes of `context`'s streamed request arrived (the state machine's `.stream` action).
    func bodyArrived(_ context: ConnectionContext, _ bytes: [UInt8], complete: Bool) {
        guard let queue = context.requestBody else { return }
        queue.push(bytes)
        if complete {
            // Like evhttp after a body: no reading while the handler runs (bytes of a next request wait).
            bufferevent_disable(context.bufferEvent, Int16(EV_READ))
            queue.finish(.success(()))
        } else if queue.buffered > Self.bodyHighWater, !queue.paused {
            queue.paused = true
            bufferevent_disable(context.bufferEvent, Int16(EV_READ))
        }
    }

    /// The handler's next chunk of `queue`'s body (on the loop thread).
    private func nextChunk(_ queue: RequestBodyQueue) async -> Result<[UInt8]?, HTTPRequestBodyError> {
        if queue.continueExpected { sendContinue(queue) }
        if let chunk = queue.take() {
            resumeReading(queue)
            return .success(chunk)
        }
        if let end = queue.end { return end.map { nil } }
        resumeReading(queue)
        return await withCheckedContinuation { queue.waiter = $0 }
    }

    /// Reads the connection again once the handler has taken most of what was queued.
    private func resumeReading(_ queue: RequestBodyQueue) {
        guard queue.paused, queue.buffered <= Self.bodyLowWater, queue.end == nil, let context = queue.context,
            context.machine.isStreaming
        else { return }
        queue.paused = false
        bufferevent_enable(context.bufferEvent, Int16(EV_READ))
    }

    /// The interim `100 Continue` (RFC 9110 §15.2.1): the handler wants the body the client holds back.
    private func sendContinue(_ queue: RequestBodyQueue) {
        queue.continueExpected = false
        guard let context = queue.context, context.machine.isStreaming else { return }
        let line = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
        sendingOwnResponse = true
        evbuffer_add(bufferevent_get_output(context.bufferEvent), line, line.count)
        sendingOwnResponse = false
        bufferevent_enable(context.bufferEvent, Int16(EV_WRITE))
    }

    /// The handler answers request `request` (on `context`) before its streamed body ended: the rest is dropped,
    /// the connection closes after the answer and lingers so that the client reads it.
    func abandonBody(of request: OpaquePointer) {
        guard let connection = evhttp_request_get_connection(request),
            let bufferEvent = evhttp_connection_get_bufferevent(connection), let context = connections[bufferEvent]
        else { return }
        abandonBody(context, request: request)
    }

    /// See ``abandonBody(of:)``.
    func abandonBody(_ context: ConnectionContext, request: OpaquePointer) {
        guard context.machine.isStreaming else { return }
        context.machine.abandonBody()
        context.requestBody?.finish(.failure(HTTPRequestBodyError(code: .abandoned)))
        context.requestBody = nil
        evhttp_add_header(evhttp_request_get_output_headers(request), "Connection", "close")
        if context.lingeringSocket == nil {
            context.lingeringSocket = LingeringSocket(loop: self, duplicating: bufferevent_getfd(context.bufferEvent))
        }
    }

    /// The connection of `context` closed (or the loop stops): a handler reading its body learns it is cut.
    func bodyLostConnection(_ context: ConnectionContext) {
        context.requestBody?.finish(.failure(HTTPRequestBodyError(code: .connectionLost)))
        context.requestBody?.context = nil
        context.requestBody = nil
    }
}

/// Stands in for evhttp's read and write callbacks while the loop reads a streamed body.
private let ignoreBufferEvent: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void = { _, _ in }
