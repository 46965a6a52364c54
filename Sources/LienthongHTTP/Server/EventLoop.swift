internal import CEvent
internal import CLienthongShims
internal import COpenSSL
import Synchronization
private import Foundation

/// A request handed from a loop thread to ``HTTPServer/run()``.
struct IncomingRequest: Sendable {
    /// Identifies the evhttp request on its loop.
    let id: UInt64
    /// The request.
    let request: HTTPRequest
    /// The loop that must send the response.
    let loop: EventLoop
}

/// The limits and timeouts a loop applies, derived from ``HTTPServerConfiguration``.
struct LoopSettings: Sendable {
    var maxHeaderBytes: Int
    var maxBodyBytes: Int
    var maxConnections: Int
    var readTimeout: timeval
    var writeTimeout: timeval
    var idleTimeout: timeval
    /// Unsent bytes of a streamed response above which the producer's next write waits.
    var maxBufferedResponseBytes: Int
}

/// One libevent thread: an `event_base`, an `evhttp` and a listening socket bound with `SO_REUSEPORT`.
///
/// Only the loop thread touches libevent objects. Other threads talk to it through ``complete(_:with:)``
/// and ``send(_:)``, which queue work under a lock and wake the loop with `event_active`.
final class EventLoop: @unchecked Sendable {
    enum Command: Sendable {
        /// Close the listener and idle keep-alive connections; answer new requests 503.
        case stopAccepting
        /// Answer abandoned requests 503, let answered connections flush and close, then free everything.
        case stop
    }

    private struct Inbox {
        var completions: [(UInt64, HTTPResponse)] = []
        var streamWork: [StreamWork] = []
        var commands: [Command] = []
        /// Set once the loop no longer takes work; `wake` must not be used after that.
        var closed = false
        var wake: WakeEvent?
        var wakeScheduled = false
    }

    /// The loop's wake-up `event`; used from other threads only under the inbox lock.
    private struct WakeEvent: @unchecked Sendable {
        let event: OpaquePointer
    }

    let index: Int
    let settings: LoopSettings
    private let tls: ServerTLSContext?
    /// Hands a request to the server; `false` when the server no longer takes requests.
    private let deliver: @Sendable (IncomingRequest) -> Bool
    private let inbox = Mutex(Inbox())
    private let exited = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    // Loop-thread state.
    private(set) var base: OpaquePointer?
    private var http: OpaquePointer?
    private var bound: OpaquePointer?
    private var listener: OpaquePointer?
    private var setupEvent: OpaquePointer?
    var pending: [UInt64: OpaquePointer] = [:]
    private var nextRequestID: UInt64 = 0
    private(set) var connections: [OpaquePointer: ConnectionContext] = [:]
    /// Streamed responses under way, by request id (see `EventLoop+Streaming.swift`).
    var streams: [UInt64: StreamingReply] = [:]
    private var unconfigured: [ConnectionContext] = []
    private var listenerPaused = false
    private(set) var draining = false
    private var stopping = false
    /// True while this loop writes its own response, so the output watcher leaves it alone.
    var sendingOwnResponse = false

    init(
        index: Int,
        settings: LoopSettings,
        tls: ServerTLSContext?,
        deliver: @escaping @Sendable (IncomingRequest) -> Bool
    ) {
        self.index = index
        self.settings = settings
        self.tls = tls
        self.deliver = deliver
    }

    // MARK: - Cross-thread API

    /// Queues the response for request `id`; the loop thread sends it. Dropped once the loop stopped.
    func complete(_ id: UInt64, with response: HTTPResponse) {
        inbox.withLock { inbox in
            guard !inbox.closed else { return }
            inbox.completions.append((id, response))
            Self.schedule(&inbox)
        }
    }

    /// Queues a step of a streamed response; a chunk whose loop has stopped is answered `false` at once.
    func queue(_ work: StreamWork) {
        let accepted = inbox.withLock { inbox -> Bool in
            guard !inbox.closed else { return false }
            inbox.streamWork.append(work)
            Self.schedule(&inbox)
            return true
        }
        if !accepted, case .chunk(_, _, let written) = work { written.resume(returning: false) }
    }

    /// Queues a command for the loop thread.
    func send(_ command: Command) {
        inbox.withLock { inbox in
            guard !inbox.closed else { return }
            inbox.commands.append(command)
            Self.schedule(&inbox)
        }
    }

    /// Waits until the loop thread has freed everything and exited.
    func waitUntilExited() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = exited.withLock { state -> Bool in
                if state.done { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    private static func schedule(_ inbox: inout Inbox) {
        // event_active is thread-safe because evthread_use_pthreads() ran before the base was created; the
        // lock keeps the event alive (the loop sets `closed` under it before freeing).
        guard !inbox.wakeScheduled, let wake = inbox.wake else { return }
        inbox.wakeScheduled = true
        event_active(wake.event, Int32(EV_READ), 0)
    }

    // MARK: - Thread body

    /// Runs on the loop's own thread: binds, reports the bound port through `ready`, serves until stopped.
    func threadMain(host: String, port: Int, ready: @Sendable (Result<Int, HTTPServerError>) -> Void) {
        let boundPort: Int
        do {
            boundPort = try setUp(host: host, port: port)
        } catch {
            tearDown()
            ready(.failure(error))
            markExited()
            return
        }
        ready(.success(boundPort))
        event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY)
        tearDown()
        markExited()
    }

    private func markExited() {
        let waiters = exited.withLock { state in
            state.done = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    private func setUp(host: String, port: Int) throws(HTTPServerError) -> Int {
        guard let base = event_base_new() else {
            throw HTTPServerError(code: .loopFailed, detail: "event_base_new failed")
        }
        self.base = base
        // Priority 0 runs before I/O callbacks, so a new connection is configured before evhttp reads it.
        event_base_priority_init(base, 2)
        let context = Unmanaged.passUnretained(self).toOpaque()

        guard let wake = event_new(base, -1, Int16(EV_PERSIST), eventLoopWake, context),
            let setup = event_new(base, -1, Int16(EV_PERSIST), eventLoopConfigureConnections, context)
        else {
            throw HTTPServerError(code: .loopFailed, detail: "event_new failed")
        }
        event_priority_set(setup, 0)
        event_priority_set(wake, 1)
        setupEvent = setup
        let handle = WakeEvent(event: wake)
        inbox.withLock { $0.wake = handle }

        guard let http = evhttp_new(base) else {
            throw HTTPServerError(code: .loopFailed, detail: "evhttp_new failed")
        }
        self.http = http
        // evhttp counts head bytes without line ends; the exact check on the raw head happens in `handle`.
        evhttp_set_max_headers_size(http, settings.maxHeaderBytes)
        evhttp_set_max_body_size(http, settings.maxBodyBytes)
        // Read an over-long body to its end before answering, so the client sees the 413.
        evhttp_set_flags(http, Int32(EVHTTP_SERVER_LINGERING_CLOSE))
        var read = settings.readTimeout
        evhttp_set_timeout_tv(http, &read)
        let allMethods: [evhttp_cmd_type] = [
            EVHTTP_REQ_GET, EVHTTP_REQ_POST, EVHTTP_REQ_HEAD, EVHTTP_REQ_PUT, EVHTTP_REQ_DELETE,
            EVHTTP_REQ_OPTIONS, EVHTTP_REQ_TRACE, EVHTTP_REQ_CONNECT, EVHTTP_REQ_PATCH,
        ]
        // evhttp answers a method outside this set 501 itself: the methods it does not parse are let through too,
        // so the handler answers 405 with the `Allow` of the resource.
        evhttp_set_allowed_methods(
            http, UInt16(allMethods.reduce(Self.unknownCommand.rawValue) { $0 | $1.rawValue }))
        evhttp_set_gencb(http, eventLoopRequest, context)
        evhttp_set_bevcb(http, eventLoopNewBufferEvent, context)

        var address = sockaddr_storage()
        var length = Int32(MemoryLayout<sockaddr_storage>.size)
        // evutil_parse_sockaddr_port rejects an explicit port 0; without a port it means 0.
        let bracketed = host.contains(":") ? "[\(host)]" : host
        let spec = port == 0 ? bracketed : "\(bracketed):\(port)"
        let parsed = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { evutil_parse_sockaddr_port(spec, $0, &length) }
        }
        guard parsed == 0 else {
            throw HTTPServerError(code: .invalidConfiguration, detail: "cannot parse address \(spec)")
        }
        let flags = UInt32(LEV_OPT_REUSEABLE | LEV_OPT_REUSEABLE_PORT | LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC)
        let listener = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                evconnlistener_new_bind(base, nil, nil, flags, 1024, $0, length)
            }
        }
        guard let listener else {
            throw HTTPServerError(code: .bindFailed, detail: "cannot listen on \(spec) (errno \(errno))")
        }
        guard let bound = evhttp_bind_listener(http, listener) else {
            evconnlistener_free(listener)
            throw HTTPServerError(code: .bindFailed, detail: "evhttp_bind_listener failed for \(spec)")
        }
        self.listener = listener
        self.bound = bound

        var local = sockaddr_storage()
        var localLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = evconnlistener_get_fd(listener)
        _ = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &localLength) }
        }
        let networkPort: UInt16 =
            if Int32(local.ss_family) == AF_INET6 {
                withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port } }
            } else {
                withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port } }
            }
        return Int(UInt16(bigEndian: networkPort))
    }

    private func tearDown() {
        let (wake, work) = inbox.withLock { inbox -> (WakeEvent?, [StreamWork]) in
            inbox.closed = true
            inbox.completions = []
            inbox.commands = []
            defer {
                inbox.wake = nil
                inbox.streamWork = []
            }
            return (inbox.wake, inbox.streamWork)
        }
        // Producers still writing learn that their client is gone; evhttp_free below frees their requests.
        for case .chunk(_, _, let written) in work { written.resume(returning: false) }
        for stream in streams.values { stream.written?.resume(returning: false) }
        streams = [:]
        // Requests still with the handler are abandoned; evhttp_free frees them with their connections.
        pending = [:]
        if let http { evhttp_free(http) }  // frees the bound listener and every connection
        http = nil
        bound = nil
        listener = nil
        connections = [:]
        unconfigured = []
        if let wake { event_free(wake.event) }
        if let setupEvent { event_free(setupEvent) }
        setupEvent = nil
        if let base { event_base_free(base) }
        base = nil
    }

    // MARK: - Loop-thread callbacks

    fileprivate func wakeUp() {
        let (completions, streamWork, commands) = inbox.withLock { inbox in
            inbox.wakeScheduled = false
            defer {
                inbox.completions = []
                inbox.streamWork = []
                inbox.commands = []
            }
            return (inbox.completions, inbox.streamWork, inbox.commands)
        }
        for (id, response) in completions {
            guard let request = pending.removeValue(forKey: id) else { continue }
            reply(request, with: response, close: draining)
        }
        for work in streamWork { perform(work) }
        for command in commands {
            switch command {
            case .stopAccepting: stopAccepting()
            case .stop: beginStop()
            }
        }
    }

    private func beginStop() {
        guard !stopping else { return }
        stopping = true
        stopAccepting()
        // Handlers that outlived the grace period are abandoned: their clients get a 503, and streamed
        // responses are cut short.
        let abandoned = pending
        pending = [:]
        for request in abandoned.values {
            reply(request, with: ProblemDocument.response(status: 503), close: true)
        }
        abortStreams()
        // Responses already queued must reach the socket before evhttp_free, so the loop ends only when
        // every connection has closed (each response carries `Connection: close`), or after a bound.
        var bound = timeval(tv_sec: 2, tv_usec: 0)
        if settings.writeTimeout.tv_sec < bound.tv_sec { bound = settings.writeTimeout }
        event_base_once(base, -1, Int16(EV_TIMEOUT), eventLoopForceStop, Unmanaged.passUnretained(self).toOpaque(), &bound)
        endIfQuiet()
    }

    fileprivate func endIfQuiet(force: Bool = false) {
        guard stopping, force || connections.isEmpty else { return }
        event_base_loopbreak(base)
    }

    private func stopAccepting() {
        guard !draining else { return }
        draining = true
        configureNewConnections()
        if let bound, let http {
            evhttp_del_accept_socket(http, bound)  // closes the listening socket
        }
        bound = nil
        listener = nil
        // Keep-alive connections waiting for a next request are closed now; the others close after their
        // response, which carries `Connection: close`.
        for context in Array(connections.values) where context.inFlight == 0 && context.idle {
            if let connection = context.connection { evhttp_connection_free(connection) }
        }
    }

    /// evhttp asks for the bufferevent of a newly accepted connection.
    fileprivate func makeBufferEvent() -> OpaquePointer? {
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
        let context = ConnectionContext(loop: self, bufferEvent: bufferEvent)
        connections[bufferEvent] = context
        unconfigured.append(context)
        let pointer = Unmanaged.passUnretained(context).toOpaque()
        evbuffer_add_cb(bufferevent_get_input(bufferEvent), connectionInputChanged, pointer)
        evbuffer_add_cb(bufferevent_get_output(bufferEvent), connectionOutputChanged, pointer)
        if let setupEvent { event_active(setupEvent, Int32(EV_READ), 0) }
        if connections.count >= settings.maxConnections, let listener, !listenerPaused {
            evconnlistener_disable(listener)
            listenerPaused = true
        }
        return bufferEvent
    }

    /// Runs before any I/O on connections accepted in the previous turn: evhttp has wrapped their
    /// bufferevents by now, so the connection is known and its close can be observed.
    fileprivate func configureNewConnections() {
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

    fileprivate func connectionClosed(_ context: ConnectionContext) {
        streamLostConnection(context)
        // The context goes away now; evhttp frees the bufferevent right after this callback.
        let pointer = Unmanaged.passUnretained(context).toOpaque()
        evbuffer_remove_cb(bufferevent_get_input(context.bufferEvent), connectionInputChanged, pointer)
        evbuffer_remove_cb(bufferevent_get_output(context.bufferEvent), connectionOutputChanged, pointer)
        connections[context.bufferEvent] = nil
        if listenerPaused, connections.count < settings.maxConnections, let listener, !draining {
            evconnlistener_enable(listener)
            listenerPaused = false
        }
        endIfQuiet()
    }

    fileprivate func inputChanged(_ context: ConnectionContext, buffer: OpaquePointer, info: evbuffer_cb_info) {
        guard info.n_added > 0 else { return }
        var bytes = [UInt8](repeating: 0, count: info.n_added)
        let copied = lt_evbuffer_copyout_from(buffer, info.orig_size, &bytes, info.n_added)
        guard copied > 0 else { return }
        if context.idle {
            // A new request has started: the read timeout replaces the idle timeout.
            context.idle = false
            var read = settings.readTimeout
            var write = settings.writeTimeout
            bufferevent_set_timeouts(context.bufferEvent, &read, &write)
        }
        context.observe(Array(bytes.prefix(copied)))
    }

    fileprivate func outputChanged(_ context: ConnectionContext, buffer: OpaquePointer, info: evbuffer_cb_info) {
        guard info.n_added > 0, !sendingOwnResponse, !context.rewriting, !context.replacedErrorPage else { return }
        // evhttp wrote on its own: a `100 Continue` (kept) or an error page from evhttp_send_error, whose
        // status line comes first in its own write.
        var head = [UInt8](repeating: 0, count: 16)
        let copied = lt_evbuffer_copyout_from(buffer, info.orig_size, &head, min(16, info.n_added))
        guard copied >= 12, head.starts(with: Array("HTTP/".utf8)) else { return }
        guard let space = head.firstIndex(of: UInt8(ascii: " ")), space + 4 <= copied,
            let status = Int(String(decoding: head[(space + 1)..<(space + 4)], as: UTF8.self)), status >= 200
        else { return }
        // evhttp 2.1 answers an over-long head with 400 (or 413): both become 431 when the head is too long.
        let headTooLong = (status == 400 || status == 413) && context.headExceeds(settings.maxHeaderBytes)
        let problemStatus = headTooLong ? 431 : status
        context.rewriting = true
        defer { context.rewriting = false }
        let original = info.orig_size
        if original == 0 {
            evbuffer_drain(buffer, info.n_added)
        } else {
            // Keep bytes queued before the error page (normally none: evhttp answers one request at a time).
            var kept = [UInt8](repeating: 0, count: original)
            _ = evbuffer_copyout(buffer, &kept, original)
            evbuffer_drain(buffer, evbuffer_get_length(buffer))
            evbuffer_add(buffer, kept, original)
        }
        let response = ProblemDocument.response(status: problemStatus)
        var text = "HTTP/1.1 \(problemStatus) \(ReasonPhrase.of(problemStatus))\r\n"
        for field in response.headers { text += "\(field.name): \(field.value)\r\n" }
        text += "Content-Length: \(response.body.count)\r\nConnection: close\r\n\r\n"
        let bytes = Array(text.utf8) + response.body
        evbuffer_add(buffer, bytes, bytes.count)
        // evhttp goes on writing its page (headers, HTML body); freezing the end makes those writes fail.
        // evhttp_send_error marks the response `Connection: close`, so the connection ends after the flush.
        evbuffer_freeze(buffer, 0)
        context.replacedErrorPage = true
    }

    fileprivate func requestCompleted(_ context: ConnectionContext) {
        // evhttp sent a response and is about to read the next request on this keep-alive connection.
        context.inFlight = max(0, context.inFlight - 1)
        context.startRequest(buffered: bufferevent_get_input(context.bufferEvent))
        var read = context.idle ? settings.idleTimeout : settings.readTimeout
        var write = settings.writeTimeout
        bufferevent_set_timeouts(context.bufferEvent, &read, &write)
    }

    /// The connection context of the bufferevent, if the loop tracks it.
    func context(of bufferEvent: OpaquePointer) -> ConnectionContext? {
        connections[bufferEvent]
    }

    fileprivate func handle(_ request: OpaquePointer) {
        guard let connection = evhttp_request_get_connection(request),
            let bufferEvent = evhttp_connection_get_bufferevent(connection)
        else {
            reply(request, with: ProblemDocument.response(status: 400), close: true)
            return
        }
        let context = connections[bufferEvent]
        if let context {
            evhttp_request_set_on_complete_cb(request, requestCompletedCallback, Unmanaged.passUnretained(context).toOpaque())
            context.inFlight += 1
            if context.headExceeds(settings.maxHeaderBytes) {
                reply(request, with: ProblemDocument.response(status: 431), close: true)
                return
            }
        }
        let command = evhttp_request_get_command(request)
        guard let method = Self.method(command) else {
            reply(request, with: ProblemDocument.response(status: 501), close: true)
            return
        }
        // evhttp reads a body only for POST, PUT and PATCH: any other method's announced body stays unread, so the
        // connection closes after the reply rather than parse that body as the next request.
        let unreadBody = ![HTTPMethod.post, .put, .patch].contains(method) && Self.announcesBody(request)
        if unreadBody { evhttp_add_header(evhttp_request_get_output_headers(request), "Connection", "close") }
        if method == .trace || method == .connect {
            var response = ProblemDocument.response(status: 405)
            response.headers["Allow"] = "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS"
            reply(request, with: response, close: false)
            return
        }
        if draining {
            reply(request, with: ProblemDocument.response(status: 503), close: true)
            return
        }
        let incoming = HTTPRequest(
            method: method,
            target: evhttp_request_get_uri(request).map { String(cString: $0) } ?? "/",
            headers: Self.headers(of: request),
            body: Self.body(of: request),
            remoteAddress: Self.peer(of: connection).address,
            remotePort: Self.peer(of: connection).port,
            isTLS: tls != nil,
            clientCertificateChain: Self.verifiedChain(of: bufferEvent),
            clientCertificateRejected: Self.peerCertificateRejected(of: bufferEvent)
        )
        nextRequestID &+= 1
        let id = nextRequestID
        pending[id] = request
        guard deliver(IncomingRequest(id: id, request: incoming, loop: self)) else {
            pending[id] = nil
            reply(request, with: ProblemDocument.response(status: 503), close: true)
            return
        }
    }

    /// Copies the response's header fields onto the evhttp request; the server sets the framing ones itself.
    func addHeaders(of response: HTTPResponse, to request: OpaquePointer, close: Bool) {
        let headers = evhttp_request_get_output_headers(request)
        for field in response.headers {
            switch field.name.lowercased() {
            case "content-length", "transfer-encoding", "connection": continue
            default: evhttp_add_header(headers, field.name, field.value)
            }
        }
        // Set already when the request left a body unread (`handle`).
        if close && evhttp_find_header(headers, "Connection") == nil {
            evhttp_add_header(headers, "Connection", "close")
        }
    }

    private func reply(_ request: OpaquePointer, with response: HTTPResponse, close: Bool) {
        addHeaders(of: response, to: request, close: close)
        let body = evbuffer_new()
        if evhttp_request_get_command(request) == EVHTTP_REQ_HEAD {
            // evhttp writes whatever body it is given, even after a HEAD, where the client reads none: the next
            // response on the connection would start inside it. HEAD announces the length a GET would send.
            evhttp_add_header(
                evhttp_request_get_output_headers(request), "Content-Length", String(response.body.count))
        } else if !response.body.isEmpty {
            evbuffer_add(body, response.body, response.body.count)
        }
        sendingOwnResponse = true
        evhttp_send_reply(request, Int32(response.status), ReasonPhrase.of(response.status), body)
        sendingOwnResponse = false
        evbuffer_free(body)
    }

    // MARK: - Reading an evhttp request

    /// Whether the request's head announces a body (`Content-Length` above 0, or a `Transfer-Encoding`).
    private static func announcesBody(_ request: OpaquePointer) -> Bool {
        let headers = evhttp_request_get_input_headers(request)
        if evhttp_find_header(headers, "Transfer-Encoding") != nil { return true }
        guard let length = evhttp_find_header(headers, "Content-Length") else { return false }
        return String(cString: length) != "0"
    }

    /// The command evhttp gives every method it does not parse (`EVHTTP_REQ_UNKNOWN_`, not in its public header).
    private static let unknownCommand = evhttp_cmd_type(rawValue: 1 << 15)

    private static func method(_ command: evhttp_cmd_type) -> HTTPMethod? {
        switch command {
        case EVHTTP_REQ_GET: .get
        case EVHTTP_REQ_POST: .post
        case EVHTTP_REQ_HEAD: .head
        case EVHTTP_REQ_PUT: .put
        case EVHTTP_REQ_DELETE: .delete
        case EVHTTP_REQ_OPTIONS: .options
        case EVHTTP_REQ_TRACE: .trace
        case EVHTTP_REQ_CONNECT: .connect
        case EVHTTP_REQ_PATCH: .patch
        case unknownCommand: .unrecognised
        default: nil
        }
    }

    private static func headers(of request: OpaquePointer) -> HTTPHeaders {
        var fields: [HTTPHeaders.Field] = []
        var entry = evhttp_request_get_input_headers(request)?.pointee.tqh_first
        while let current = entry {
            if let key = current.pointee.key, let value = current.pointee.value {
                fields.append(.init(name: String(cString: key), value: String(cString: value)))
            }
            entry = current.pointee.next.tqe_next
        }
        return HTTPHeaders(fields)
    }

    private static func body(of request: OpaquePointer) -> [UInt8] {
        guard let input = evhttp_request_get_input_buffer(request) else { return [] }
        let length = evbuffer_get_length(input)
        guard length > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: length)
        let copied = evbuffer_copyout(input, &bytes, length)
        return copied == length ? bytes : Array(bytes.prefix(max(0, copied)))
    }

    private static func peer(of connection: OpaquePointer) -> (address: String, port: Int) {
        var address: UnsafeMutablePointer<CChar>?
        var port: UInt16 = 0
        evhttp_connection_get_peer(connection, &address, &port)
        return (address.map { String(cString: $0) } ?? "", Int(port))
    }

    private static func peerCertificateRejected(of bufferEvent: OpaquePointer) -> Bool {
        guard let ssl = lt_bufferevent_get_ssl(bufferEvent) else { return false }
        return lt_ssl_peer_certificate_rejected(ssl) != 0
    }

    private static func verifiedChain(of bufferEvent: OpaquePointer) -> [[UInt8]] {
        guard let ssl = lt_bufferevent_get_ssl(bufferEvent) else { return [] }
        let count = lt_ssl_verified_chain_count(ssl)
        var chain: [[UInt8]] = []
        for index in 0..<max(0, count) {
            let length = lt_ssl_verified_chain_der_length(ssl, index)
            guard length > 0 else { return [] }
            var der = [UInt8](repeating: 0, count: Int(length))
            guard lt_ssl_verified_chain_der_copy(ssl, index, &der, length) == length else { return [] }
            chain.append(der)
        }
        return chain
    }
}

// MARK: - C callbacks (all on the loop thread)

private func loop(_ pointer: UnsafeMutableRawPointer?) -> EventLoop {
    Unmanaged<EventLoop>.fromOpaque(pointer!).takeUnretainedValue()
}

private func connection(_ pointer: UnsafeMutableRawPointer?) -> ConnectionContext {
    Unmanaged<ConnectionContext>.fromOpaque(pointer!).takeUnretainedValue()
}

private let eventLoopWake: @convention(c) (Int32, Int16, UnsafeMutableRawPointer?) -> Void = { _, _, argument in
    loop(argument).wakeUp()
}

private let eventLoopForceStop: @convention(c) (Int32, Int16, UnsafeMutableRawPointer?) -> Void = { _, _, argument in
    loop(argument).endIfQuiet(force: true)
}

private let eventLoopConfigureConnections: @convention(c) (Int32, Int16, UnsafeMutableRawPointer?) -> Void = {
    _, _, argument in
    loop(argument).configureNewConnections()
}

private let eventLoopRequest: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void = { request, argument in
    guard let request else { return }
    loop(argument).handle(request)
}

private let eventLoopNewBufferEvent: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> OpaquePointer? = {
    _, argument in
    loop(argument).makeBufferEvent()
}

private let onConnectionClosed: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void = { _, argument in
    let context = connection(argument)
    context.loop.connectionClosed(context)
}

private let requestCompletedCallback: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void = {
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

private let connectionOutputChanged:
    @convention(c) (OpaquePointer?, UnsafePointer<evbuffer_cb_info>?, UnsafeMutableRawPointer?) -> Void = {
        buffer, info, argument in
        guard let buffer, let info else { return }
        let context = connection(argument)
        context.loop.outputChanged(context, buffer: buffer, info: info.pointee)
    }
