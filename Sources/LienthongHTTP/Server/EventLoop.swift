internal import CEvent
internal import CLienthongShims
internal import COpenSSL
import LienthongCore
import Synchronization
private import Foundation

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
    /// Deadlines and limits each connection's ``EventLoop/StateMachine`` applies.
    var connection: EventLoop.StateMachine.Limits
    /// How often the loop checks the connections' deadlines.
    var deadlineCheckInterval: timeval
    /// Told of the server's own answers, connections and handshakes.
    var observer: HTTPServerObserver?
    /// Spreads the server's connections over its loops; `nil` for a loop without listener.
    var balance: AcceptBalance? = nil
}

/// Where a loop gets its listening socket.
enum ListeningSocket: Sendable {
    /// Bind `host:port` without `SO_REUSEPORT`: a port already in use fails the start.
    case bind(host: String, port: Int)
    /// Accept on a socket the first loop bound (a duplicate descriptor the loop owns and closes).
    case shared(Int32)
    /// No listener and no `evhttp`: the auxiliary loop that only runs tasks and their transfers.
    case none
}

/// One libevent thread: an `event_base`, an `evhttp` and a listener on the socket the first loop bound; and the
/// Swift `TaskExecutor` its requests' handlers run on.
///
/// Only the loop thread touches libevent objects and the loop-only state below. Other threads reach it in one way:
/// the inbox, a queue under a lock drained when `event_active` fires the loop's wake-up event. Tasks land there as
/// jobs (``enqueue(_:)``, so a continuation resumed by another thread brings its task back here), and the server
/// sends its few lifecycle ``Command``s the same way.
final class EventLoop: @unchecked Sendable {
    enum Command: Sendable {
        /// Start the handlers of the requests held since start, and of every later request.
        case serve
        /// Close the listener and idle keep-alive connections; answer new requests 503.
        case stopAccepting
        /// Resume the continuation once no handler runs on this loop.
        case notifyWhenIdle(CheckedContinuation<Void, Never>)
        /// Cancel the handlers still running (the grace period ran out).
        case cancelHandlers
        /// Answer abandoned requests 503, let answered connections flush and close, then free everything.
        case stop
    }

    struct Inbox {
        var jobs: [UnownedJob] = []
        var commands: [Command] = []
        /// Set once the loop no longer takes work; `wake` must not be used after that.
        var closed = false
        var wake: WakeEvent?
        var wakeScheduled = false
    }

    /// The loop's wake-up `event`; used from other threads only under the inbox lock.
    struct WakeEvent: @unchecked Sendable {
        let event: OpaquePointer
    }

    let index: Int
    let settings: LoopSettings
    let tls: ReloadableTLSContext?
    /// Counts connections per client address across every loop of the server.
    let addresses: AddressLimiter
    /// Answers each request, in a task on this loop.
    let handler: any HTTPHandler
    let inbox = Mutex(Inbox())
    /// The loop thread's `pthread_t` while it runs, else 0.
    let thread = Atomic<UInt>(0)
    private let exited = Mutex<(done: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    // Loop-thread state.
    private(set) var base: OpaquePointer?
    var http: OpaquePointer?
    var bound: OpaquePointer?
    var listener: OpaquePointer?
    var setupEvent: OpaquePointer?
    private var deadlineEvent: OpaquePointer?
    var pending: [UInt64: OpaquePointer] = [:]
    /// The handler tasks running, by request id (see `EventLoop+Handlers.swift`).
    var handlers: [UInt64: Task<Void, Never>] = [:]
    /// Whether handlers start; requests read before ``HTTPServer/run()`` are held until then.
    var serving = false
    var held: [(UInt64, HTTPRequest)] = []
    var idleWaiters: [CheckedContinuation<Void, Never>] = []
    var nextRequestID: UInt64 = 0
    var connections: [OpaquePointer: ConnectionContext] = [:]
    /// Sockets of refused requests, read and discarded for a while after the answer so the client reads it.
    var lingering: [Int32: LingeringSocket] = [:]
    /// Connections closed since the loop last returned freed memory to the system.
    var closedSinceTrim = 0
    /// Streamed responses under way, by request id (see `EventLoop+Streaming.swift`).
    var streams: [UInt64: StreamingReply] = [:]
    var unconfigured: [ConnectionContext] = []
    var listenerPaused = false
    /// A one-shot timer will resume accepting after a pause for balance (see `EventLoop+AcceptBalance.swift`).
    var resumeAcceptingArmed = false
    private(set) var draining = false
    private var stopping = false
    /// True while this loop writes its own response, so the output watcher leaves it alone.
    var sendingOwnResponse = false
    /// The libcurl multi handle of each client that made requests on this loop, by client id (see
    /// `EventLoop+Curl.swift`).
    var curlMultis: [UInt64: CurlMulti] = [:]
    /// What other modules keep on this loop (their PostgreSQL connections), by key (see `EventLoop+SocketWatch.swift`).
    var residents: [ObjectIdentifier: any LoopResident] = [:]

    init(
        index: Int,
        settings: LoopSettings,
        tls: ReloadableTLSContext?,
        addresses: AddressLimiter,
        handler: any HTTPHandler
    ) {
        self.index = index
        self.settings = settings
        self.tls = tls
        self.addresses = addresses
        self.handler = handler
    }

    // MARK: - Cross-thread API

    /// Queues a command for the loop thread; once the loop has stopped, a waiter is resumed at once.
    func send(_ command: Command) {
        let accepted = inbox.withLock { inbox -> Bool in
            guard !inbox.closed else { return false }
            inbox.commands.append(command)
            Self.schedule(&inbox)
            return true
        }
        if !accepted, case .notifyWhenIdle(let waiter) = command { waiter.resume() }
    }

    /// Waits until no handler runs on this loop (used by the server's drain).
    func handlersFinished() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            send(.notifyWhenIdle(waiter))
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

    static func schedule(_ inbox: inout Inbox) {
        // event_active is thread-safe because evthread_use_pthreads() ran before the base was created; the
        // lock keeps the event alive (the loop sets `closed` under it before freeing).
        guard !inbox.wakeScheduled, let wake = inbox.wake else { return }
        inbox.wakeScheduled = true
        event_active(wake.event, Int32(EV_READ), 0)
    }

    // MARK: - Thread body

    /// Runs on the loop's own thread: listens, reports the bound port and listening socket through `ready`,
    /// serves until stopped.
    func threadMain(
        _ socket: ListeningSocket, ready: @Sendable (Result<(port: Int, socket: Int32), HTTPServerError>) -> Void
    ) {
        let boundPort: (port: Int, socket: Int32)
        do {
            boundPort = try setUp(socket)
        } catch {
            tearDown()
            ready(.failure(error))
            markExited()
            return
        }
        thread.store(pthread_self(), ordering: .releasing)
        lt_set_current_loop(Unmanaged.passUnretained(self).toOpaque())
        ready(.success(boundPort))
        event_base_loop(base, EVLOOP_NO_EXIT_ON_EMPTY)
        lt_set_current_loop(nil)
        thread.store(0, ordering: .releasing)
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

    private func setUp(_ socket: ListeningSocket) throws(HTTPServerError) -> (port: Int, socket: Int32) {
        guard let base = Self.makeBase() else {
            throw HTTPServerError(code: .loopFailed, detail: "event_base_new failed")
        }
        self.base = base
        // Priority 0 runs before I/O callbacks, so a new connection is configured before evhttp reads it.
        event_base_priority_init(base, 2)
        let context = Unmanaged.passUnretained(self).toOpaque()

        guard let wake = event_new(base, -1, Int16(EV_PERSIST), eventLoopWake, context),
            let setup = event_new(base, -1, Int16(EV_PERSIST), eventLoopConfigureConnections, context),
            let deadlines = event_new(base, -1, Int16(EV_PERSIST), eventLoopCheckDeadlines, context)
        else {
            throw HTTPServerError(code: .loopFailed, detail: "event_new failed")
        }
        deadlineEvent = deadlines
        var interval = settings.deadlineCheckInterval
        event_add(deadlines, &interval)
        event_priority_set(setup, 0)
        event_priority_set(wake, 1)
        setupEvent = setup
        let handle = WakeEvent(event: wake)
        inbox.withLock { inbox in
            inbox.wake = handle
            // Work queued before the loop was up (the auxiliary loop takes it from its first moment).
            if !inbox.jobs.isEmpty || !inbox.commands.isEmpty { Self.schedule(&inbox) }
        }
        if case .none = socket { return (0, -1) }

        guard let http = evhttp_new(base) else {
            throw HTTPServerError(code: .loopFailed, detail: "evhttp_new failed")
        }
        self.http = http
        // evhttp counts head bytes without line ends; the exact check on the raw head happens in `handle`.
        evhttp_set_max_headers_size(http, settings.maxHeaderBytes)
        evhttp_set_max_body_size(http, settings.maxBodyBytes)
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

        let listener = try listen(socket, base: base)
        guard let bound = evhttp_bind_listener(http, listener) else {
            evconnlistener_free(listener)
            throw HTTPServerError(code: .bindFailed, detail: "evhttp_bind_listener failed")
        }
        self.listener = listener
        self.bound = bound
        let fd = evconnlistener_get_fd(listener)
        return (Self.localPort(of: fd), fd)
    }

    /// A base whose epoll backend batches the changes of one loop turn: a connection's read is disabled while its
    /// request is handled and enabled again with the write of its response, and without the change list each of
    /// those is its own `epoll_ctl` (four per request). No descriptor here is a `dup` of another, which is what the
    /// change list cannot tell apart.
    private static func makeBase() -> OpaquePointer? {
        guard let configuration = event_config_new() else { return nil }
        defer { event_config_free(configuration) }
        event_config_set_flag(configuration, Int32(EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST.rawValue))
        return event_base_new_with_config(configuration)
    }

    private func tearDown() {
        let (wake, jobs, commands) = inbox.withLock { inbox -> (WakeEvent?, [UnownedJob], [Command]) in
            inbox.closed = true
            defer {
                inbox.wake = nil
                inbox.jobs = []
                inbox.commands = []
            }
            return (inbox.wake, inbox.jobs, inbox.commands)
        }
        // Tasks still queued finish elsewhere and find the loop gone; nobody waits on a stopped loop.
        Self.forward(jobs)
        for case .notifyWhenIdle(let waiter) in commands { waiter.resume() }
        for waiter in idleWaiters { waiter.resume() }
        idleWaiters = []
        handlers = [:]
        held = []
        // Producers still writing learn that their client is gone; evhttp_free below frees their requests.
        for stream in streams.values { stream.written?.resume(returning: false) }
        streams = [:]
        // Transfers under way fail with `cancelled`; their tasks resume on the global executor (the inbox is closed).
        for multi in curlMultis.values { multi.stop(because: "the event loop stopped") }
        curlMultis = [:]
        // The same for work other modules wait on here (queries on this loop's PostgreSQL connections).
        let stoppedResidents = residents.values
        residents = [:]
        for resident in stoppedResidents { resident.loopStopped() }
        // Requests still with the handler are abandoned; evhttp_free frees them with their connections.
        pending = [:]
        for context in connections.values { bodyLostConnection(context) }
        if let http { evhttp_free(http) }  // frees the bound listener and every connection
        http = nil
        bound = nil
        listener = nil
        connections = [:]
        unconfigured = []
        if let wake { event_free(wake.event) }
        if let setupEvent { event_free(setupEvent) }
        setupEvent = nil
        if let deadlineEvent { event_free(deadlineEvent) }
        deadlineEvent = nil
        for socket in lingering.values { socket.close() }
        lingering = [:]
        if let base { event_base_free(base) }
        base = nil
    }

    // MARK: - Loop-thread callbacks

    func wakeUp() {
        let (jobs, commands) = inbox.withLock { inbox in
            inbox.wakeScheduled = false
            defer {
                inbox.jobs = []
                inbox.commands = []
            }
            return (inbox.jobs, inbox.commands)
        }
        runJobs(jobs)
        for command in commands {
            switch command {
            case .serve: startServing()
            case .stopAccepting: stopAccepting()
            case .notifyWhenIdle(let waiter): notifyWhenIdle(waiter)
            case .cancelHandlers: cancelHandlers()
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
        let pointer = Unmanaged.passUnretained(self).toOpaque()
        event_base_once(base, -1, Int16(EV_TIMEOUT), eventLoopForceStop, pointer, &bound)
        endIfQuiet()
    }

    func endIfQuiet(force: Bool = false) {
        guard stopping, force || connections.isEmpty else { return }
        event_base_loopbreak(base)
    }

    func stopAccepting() {
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

}

// MARK: - C callbacks (all on the loop thread)

func loop(_ pointer: UnsafeMutableRawPointer?) -> EventLoop {
    Unmanaged<EventLoop>.fromOpaque(pointer!).takeUnretainedValue()
}

private let eventLoopWake: @convention(c) (Int32, Int16, UnsafeMutableRawPointer?) -> Void = { _, _, argument in
    loop(argument).wakeUp()
}

private let eventLoopForceStop: @convention(c) (Int32, Int16, UnsafeMutableRawPointer?) -> Void = { _, _, argument in
    loop(argument).endIfQuiet(force: true)
}
