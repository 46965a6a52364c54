internal import CEvent
internal import CLienthongShims
internal import COpenSSL
private import Foundation

// Connections: accept (bufferevent, limits), the input watcher that feeds each connection's state machine, the
// deadline sweep, and the close.
extension EventLoop {
    /// evhttp asks for the bufferevent of a newly accepted connection.
    func makeBufferEvent() -> OpaquePointer? {
        guard let base else { return nil }
        let bufferEvent: OpaquePointer?
        if let tls {
            guard let ssl = tls.makeSSL() else { return nil }
            bufferEvent = bufferevent_openssl_socket_new(
                base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING, Int32(BEV_OPT_CLOSE_ON_FREE.rawValue))
            if let bufferEvent { bufferevent_openssl_set_allow_dirty_shutdown(bufferEvent, 1) }
        } else {
            bufferEvent = bufferevent_socket_new(base, -1, Int32(BEV_OPT_CLOSE_ON_FREE.rawValue))
        }
        guard let bufferEvent else { return nil }
        let machine = StateMachine(limits: settings.connection, isTLS: tls != nil, now: .now)
        let context = ConnectionContext(loop: self, bufferEvent: bufferEvent, machine: machine)
        connections[bufferEvent] = context
        settings.observer?.connection(true)
        unconfigured.append(context)
        let pointer = Unmanaged.passUnretained(context).toOpaque()
        evbuffer_add_cb(bufferevent_get_input(bufferEvent), connectionInputChanged, pointer)
        evbuffer_add_cb(bufferevent_get_output(bufferEvent), connectionOutputChanged, pointer)
        if let setupEvent { event_active(setupEvent, Int32(EV_READ), 0) }
        if connections.count >= settings.maxConnections, let listener, !listenerPaused {
            evconnlistener_disable(listener)
            listenerPaused = true
        }
        balanceAccepting()
        return bufferEvent
    }

    /// Runs before any I/O on connections accepted in the previous turn: evhttp has wrapped their
    /// bufferevents by now, so the connection is known and its close can be observed.
    func configureNewConnections() {
        let contexts = unconfigured
        unconfigured = []
        var read = settings.idleTimeout
        var write = settings.writeTimeout
        for context in contexts where connections[context.bufferEvent] === context {
            var argument: UnsafeMutableRawPointer?
            bufferevent_getcb(context.bufferEvent, nil, nil, nil, &argument)
            guard let argument else { continue }
            let connection = OpaquePointer(argument)
            context.connection = connection
            evhttp_connection_set_closecb(connection, onConnectionClosed, Unmanaged.passUnretained(context).toOpaque())
            let address = Self.peer(of: connection).address
            guard addresses.acquire(address) else {
                // This address holds its share of connections already: close before reading anything.
                evhttp_connection_free(connection)
                continue
            }
            context.countedAddress = address
            bufferevent_set_timeouts(context.bufferEvent, &read, &write)
            // A response leaves in several writes (TLS records, headers then body): without TCP_NODELAY the
            // last one waits for the client's delayed ACK, about 40 ms per request.
            let socket = bufferevent_getfd(context.bufferEvent)
            if socket >= 0 {
                var on: Int32 = 1
                setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            }
        }
    }

    func connectionClosed(_ context: ConnectionContext) {
        observeHandshake(context)
        settings.observer?.connection(false)
        streamLostConnection(context)
        bodyLostConnection(context)
        if let address = context.countedAddress { addresses.release(address) }
        if tls != nil, Self.sawPlainHTTP(context.bufferEvent) {
            answerPlainHTTP(context)
        }
        // The answer to a refused request is in the kernel now: linger so the client reads it.
        if let socket = context.lingeringSocket { linger(socket) }
        context.lingeringSocket = nil
        // The context goes away now; evhttp frees the bufferevent right after this callback.
        let pointer = Unmanaged.passUnretained(context).toOpaque()
        evbuffer_remove_cb(bufferevent_get_input(context.bufferEvent), connectionInputChanged, pointer)
        evbuffer_remove_cb(bufferevent_get_output(context.bufferEvent), connectionOutputChanged, pointer)
        connections[context.bufferEvent] = nil
        _ = settings.balance?.update(loop: index, connections: connections.count)
        if listenerPaused, connections.count < settings.maxConnections, let listener, !draining {
            evconnlistener_enable(listener)
            listenerPaused = false
        }
        closedSinceTrim += 1
        endIfQuiet()
    }

    /// Bytes arrived; evhttp has not seen them yet (its read callback runs after this one).
    func inputChanged(_ context: ConnectionContext, buffer: OpaquePointer, info: evbuffer_cb_info) {
        guard info.n_added > 0, !context.editingInput else { return }
        // Decrypted bytes arrive only once the handshake is done.
        observeHandshake(context)
        var bytes = [UInt8](repeating: 0, count: info.n_added)
        let copied = lt_evbuffer_copyout_from(buffer, info.orig_size, &bytes, info.n_added)
        guard copied == info.n_added else { return }
        if context.idle {
            // A new request has started: the read timeout replaces the idle timeout.
            context.idle = false
            var read = settings.readTimeout
            var write = settings.writeTimeout
            bufferevent_set_timeouts(context.bufferEvent, &read, &write)
        }
        let action = context.machine.received(bytes, at: .now)
        apply(action, to: context, buffer: buffer, keeping: info.orig_size, insideRead: true)
    }

    /// Performs what the state machine decided about the input: everything after the first `keeping` bytes of
    /// `buffer` is what it judged. `insideRead`: called from the input buffer's callback during a socket read.
    func apply(
        _ action: StateMachine.InputAction, to context: ConnectionContext, buffer: OpaquePointer, keeping: Int,
        insideRead: Bool = false
    ) {
        let replacement: [UInt8]
        switch action {
        case .pass: return
        case .hold, .discard: replacement = []
        case .release(let bytes): replacement = bytes
        case .reject: replacement = StateMachine.standIn
        case .stream: replacement = []
        }
        context.editingInput = true
        defer { context.editingInput = false }
        // Rebuild the buffer as kept prefix + replacement, appending before draining the old bytes.
        let length = evbuffer_get_length(buffer)
        if keeping > 0 {
            var kept = [UInt8](repeating: 0, count: keeping)
            _ = evbuffer_copyout(buffer, &kept, keeping)
            evbuffer_add(buffer, kept, keeping)
        }
        if !replacement.isEmpty {
            // A socket bufferevent keeps its input's end frozen outside its own reads.
            evbuffer_unfreeze(buffer, 0)
            evbuffer_add(buffer, replacement, replacement.count)
            if !insideRead, tls == nil { evbuffer_freeze(buffer, 0) }
        }
        evbuffer_drain(buffer, length)
        if case .stream(let bytes, let complete) = action { bodyArrived(context, bytes, complete: complete) }
    }

    func requestCompleted(_ context: ConnectionContext) {
        // evhttp sent a response and is about to read the next request on this keep-alive connection: what it
        // has buffered goes through the state machine like new input.
        context.inFlight = max(0, context.inFlight - 1)
        context.requestBody = nil
        let input = bufferevent_get_input(context.bufferEvent)!
        let length = evbuffer_get_length(input)
        var buffered = [UInt8](repeating: 0, count: length)
        if length > 0 { _ = evbuffer_copyout(input, &buffered, length) }
        let action = context.machine.requestCompleted(buffered: buffered, at: .now)
        apply(action, to: context, buffer: input, keeping: 0)
        context.idle = context.machine.isIdle
        var read = context.idle ? settings.idleTimeout : settings.readTimeout
        var write = settings.writeTimeout
        bufferevent_set_timeouts(context.bufferEvent, &read, &write)
    }

    /// Tells the observer once how the connection's TLS handshake ended: completed if it is finished by now, else
    /// failed (called on the first decrypted input and at the close).
    func observeHandshake(_ context: ConnectionContext) {
        guard tls != nil, !context.handshakeObserved, let observer = settings.observer,
            let ssl = lt_bufferevent_get_ssl(context.bufferEvent)
        else { return }
        context.handshakeObserved = true
        observer.handshake(SSL_is_init_finished(ssl) == 1)
    }

    /// The connection context of the bufferevent, if the loop tracks it.
    func context(of bufferEvent: OpaquePointer) -> ConnectionContext? {
        connections[bufferEvent]
    }

    /// Runs every ``LoopSettings/deadlineCheckInterval``: closes or refuses connections past a deadline.
    func checkDeadlines() {
        let now = ContinuousClock.now
        for context in Array(connections.values) {
            guard let connection = context.connection else { continue }
            let handshakeFinished = lt_bufferevent_get_ssl(context.bufferEvent).map { SSL_is_init_finished($0) == 1 }
            switch context.machine.tick(at: now, handshakeFinished: handshakeFinished ?? true) {
            case .none:
                continue
            case .close:
                evhttp_connection_free(connection)
            case .reject(let error):
                let input = bufferevent_get_input(context.bufferEvent)!
                apply(.reject(error), to: context, buffer: input, keeping: 0)
                // No bytes arrived to wake evhttp: run its read callback on the stand-in now.
                bufferevent_trigger(context.bufferEvent, Int16(EV_READ), Int32(BEV_TRIG_IGNORE_WATERMARKS.rawValue))
            }
        }
        // Connections come and go in bursts: hand the memory of those gone back to the system once the loop is
        // quiet, instead of keeping the high-water mark of the burst.
        if closedSinceTrim >= 64, connections.count < 16 {
            closedSinceTrim = 0
            lt_release_free_memory()
        }
    }
}

// MARK: - C callbacks (all on the loop thread)

func connection(_ pointer: UnsafeMutableRawPointer?) -> ConnectionContext {
    Unmanaged<ConnectionContext>.fromOpaque(pointer!).takeUnretainedValue()
}

let eventLoopConfigureConnections: @convention(c) (Int32, Int16, UnsafeMutableRawPointer?) -> Void = {
    _, _, argument in
    loop(argument).configureNewConnections()
}

let eventLoopCheckDeadlines: @convention(c) (Int32, Int16, UnsafeMutableRawPointer?) -> Void = { _, _, argument in
    loop(argument).checkDeadlines()
}

let eventLoopNewBufferEvent: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> OpaquePointer? = {
    _, argument in
    loop(argument).makeBufferEvent()
}

private let onConnectionClosed: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void = { _, argument in
    let context = connection(argument)
    context.loop.connectionClosed(context)
}

let requestCompletedCallback: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void = {
    _, argument in
    let context = connection(argument)
    context.loop.requestCompleted(context)
}

private let connectionInputChanged:
    @convention(c) (OpaquePointer?, UnsafePointer<evbuffer_cb_info>?, UnsafeMutableRawPointer?) -> Void = {
        buffer, info, argument in
        guard let buffer, let info else { return }
        let context = connection(argument)
        context.loop.inputChanged(context, buffer: buffer, info: info.pointee)
    }
