internal import CEvent

/// A streamed response under way on a loop.
struct StreamingReply {
    /// The evhttp request; it stays allocated until `evhttp_send_reply_end` even if its connection closes.
    let request: OpaquePointer
    /// The connection's context, while the connection is open.
    var context: ConnectionContext?
    /// The producer's write waiting for the output buffer to drain.
    var written: CheckedContinuation<Bool, Never>?
    /// A chunk was queued and its drain callback has not run yet.
    var awaitingDrain = false
    /// The producer is done; the reply ends once the last chunk has drained.
    var endOnDrain = false
}

// Streamed responses: `evhttp_send_reply_start`, `_chunk_with_cb`, `_end` on the loop thread (in the handler's task),
// with the producer's writes held back while the connection's output buffer is above `maxBufferedResponseBytes`.
extension EventLoop {
    // MARK: Loop thread

    /// Queues `bytes` of the streamed response to request `id`, from any thread (a producer off the loop hops to
    /// it); returns `false` once the client is gone.
    func write(_ id: UInt64, _ bytes: [UInt8]) async -> Bool {
        await onLoop(otherwise: false) {
            await withCheckedContinuation { (written: CheckedContinuation<Bool, Never>) in
                self.send(id, bytes, written)
            }
        }
    }

    /// Ends the streamed response to request `id`.
    func endStream(_ id: UInt64, _ end: HTTPBodyEnd) {
        finish(id, end)
    }

    /// Sends the head of the streamed response to request `id`.
    func startStream(_ id: UInt64, head: HTTPResponse) {
        guard let request = pending.removeValue(forKey: id) else { return }
        addHeaders(of: head, to: request, close: draining)
        var context: ConnectionContext?
        if let connection = evhttp_request_get_connection(request),
            let bufferEvent = evhttp_connection_get_bufferevent(connection)
        {
            context = self.context(of: bufferEvent)
            context?.streamID = id
            // The request has been read: while the body streams, only the write timeout applies.
            var write = settings.writeTimeout
            bufferevent_set_timeouts(bufferEvent, nil, &write)
        }
        streams[id] = StreamingReply(request: request, context: context)
        sendingOwnResponse = true
        evhttp_send_reply_start(request, Int32(head.status), ReasonPhrase.of(head.status))
        sendingOwnResponse = false
    }

    private func send(_ id: UInt64, _ bytes: [UInt8], _ written: CheckedContinuation<Bool, Never>) {
        guard var stream = streams[id], let context = stream.context,
            let connection = evhttp_request_get_connection(stream.request),
            let bufferEvent = evhttp_connection_get_bufferevent(connection)
        else {
            written.resume(returning: false)
            return
        }
        let chunk = evbuffer_new()
        evbuffer_add(chunk, bytes, bytes.count)
        sendingOwnResponse = true
        evhttp_send_reply_chunk_with_cb(
            stream.request, chunk, streamOutputDrained, Unmanaged.passUnretained(context).toOpaque())
        sendingOwnResponse = false
        evbuffer_free(chunk)
        stream.awaitingDrain = true
        if evbuffer_get_length(bufferevent_get_output(bufferEvent)) <= settings.maxBufferedResponseBytes {
            written.resume(returning: true)
        } else {
            // Resumed by `outputDrained` once evhttp has handed everything to the socket.
            stream.written = written
        }
        streams[id] = stream
    }

    private func finish(_ id: UInt64, _ end: HTTPBodyEnd) {
        guard var stream = streams[id] else { return }
        stream.written?.resume(returning: false)
        stream.written = nil
        if case .abort = end, let connection = evhttp_request_get_connection(stream.request) {
            streams[id] = nil
            stream.context?.streamID = nil
            // Freeing the connection frees the request and closes the socket before the last chunk.
            evhttp_connection_free(connection)
            return
        }
        if stream.awaitingDrain, stream.context != nil {
            // A TLS bufferevent reports "drained" through a deferred callback, which evhttp hands to whatever
            // `evcon->cb` is when it runs. Ending now would let a drain of the last chunk that is still queued
            // complete the reply with its final `0\r\n\r\n` unsent, and evhttp would then stop writing on the
            // connection: the client waits for the end forever. So the reply ends from the last chunk's drain.
            stream.endOnDrain = true
            streams[id] = stream
            return
        }
        streams[id] = nil
        endReply(stream)
    }

    /// `evhttp_send_reply_end`; without a connection it only frees the request.
    private func endReply(_ stream: StreamingReply) {
        stream.context?.streamID = nil
        sendingOwnResponse = true
        evhttp_send_reply_end(stream.request)
        sendingOwnResponse = false
    }

    /// evhttp wrote everything queued on the connection of `context`, or so a late drain callback says.
    fileprivate func outputDrained(_ context: ConnectionContext) {
        guard let id = context.streamID, var stream = streams[id] else { return }
        let unsent = evbuffer_get_length(bufferevent_get_output(context.bufferEvent))
        // A deferred drain callback may run after more bytes were queued: only an empty buffer means the last chunk
        // has left, and then no other drain callback is pending (libevent coalesces them while one is scheduled).
        if unsent == 0 { stream.awaitingDrain = false }
        if stream.endOnDrain, !stream.awaitingDrain {
            streams[id] = nil
            endReply(stream)
            return
        }
        var written: CheckedContinuation<Bool, Never>?
        if unsent <= settings.maxBufferedResponseBytes {
            written = stream.written
            stream.written = nil
        }
        streams[id] = stream
        written?.resume(returning: true)
    }

    /// The connection of `context` closed: its stream's producer learns that the client is gone.
    func streamLostConnection(_ context: ConnectionContext) {
        guard let id = context.streamID, var stream = streams[id] else { return }
        stream.written?.resume(returning: false)
        stream.written = nil
        stream.context = nil
        context.streamID = nil
        if stream.endOnDrain {
            // No drain will come: free the request now.
            streams[id] = nil
            endReply(stream)
        } else {
            streams[id] = stream
        }
    }

    /// Cuts every streamed response short (the loop is stopping).
    func abortStreams() {
        for id in Array(streams.keys) { finish(id, .abort) }
    }
}

private let streamOutputDrained: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void = { _, argument in
    let context = Unmanaged<ConnectionContext>.fromOpaque(argument!).takeUnretainedValue()
    context.loop.outputDrained(context)
}
