internal import CEvent
internal import CLienthongShims
import Synchronization
private import Foundation

/// An HTTP/1.1 server on libevent (`evhttp`), with optional TLS and client certificates (OpenSSL).
///
/// The server runs ``HTTPServerConfiguration/eventLoops`` threads, each with its own `event_base` and `evhttp`,
/// all accepting on one listening socket (bound without `SO_REUSEPORT`, so the port is this server's alone). Each
/// loop is also a `TaskExecutor`: a request's ``HTTPHandler`` runs in a task on the loop that read the request, so
/// from parse to response the request stays on that thread unless its work waits elsewhere (see the "Threads"
/// section of docs/ARCHITECTURE.md).
///
/// ```swift
/// let server = HTTPServer(configuration: .init(port: 8443, tls: tls), handler: MyHandler())
/// let port = try await server.start()
/// try await server.run()   // until shutdown() or cancellation
/// ```
public final class HTTPServer: Sendable {
    private enum State {
        case idle
        case starting
        case started(loops: [EventLoop], port: Int)
        case running(loops: [EventLoop], port: Int)
        case stopped
    }

    /// The configuration the server was created with.
    public let configuration: HTTPServerConfiguration
    private let handler: any HTTPHandler
    private let state = Mutex(State.idle)
    /// The TLS context of every loop, once started with TLS.
    private let tlsContext = Mutex<ReloadableTLSContext?>(nil)
    private let shutdownSignal: AsyncStream<Never>
    private let shutdownTrigger: AsyncStream<Never>.Continuation

    /// Creates a server; nothing is bound until ``start()`` or ``run()``.
    public init(configuration: HTTPServerConfiguration, handler: any HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
        (shutdownSignal, shutdownTrigger) = AsyncStream.makeStream(of: Never.self)
    }

    /// The bound port once started, else `nil`.
    public var port: Int? {
        state.withLock { state in
            switch state {
            case .started(_, let port), .running(_, let port): port
            default: nil
            }
        }
    }

    /// Binds every loop and starts accepting; requests read before ``run()`` wait for it to start their handlers.
    ///
    /// - Returns: The bound port (useful with port `0`).
    @discardableResult
    public func start() async throws(HTTPServerError) -> Int {
        let proceed = state.withLock { state -> Bool in
            guard case .idle = state else { return false }
            state = .starting
            return true
        }
        guard proceed else { throw HTTPServerError(code: .alreadyRunning, detail: "start() called twice") }
        do {
            let (loops, port) = try await startLoops()
            state.withLock { $0 = .started(loops: loops, port: port) }
            return port
        } catch {
            state.withLock { $0 = .stopped }
            throw error
        }
    }

    /// Serves requests until ``shutdown()`` is called or the task is cancelled, then drains and stops.
    ///
    /// After shutdown the server stops accepting, closes idle keep-alive connections, and waits up to
    /// ``HTTPServerConfiguration/shutdownGracePeriod`` for in-flight handlers (cancelling those still
    /// running after that) before freeing every loop. Cancellation of the calling task shuts down without
    /// a grace period.
    public func run() async throws {
        if case .idle = state.withLock({ $0 }) { try await start() }
        let loops = try state.withLock { state throws(HTTPServerError) -> [EventLoop] in
            guard case .started(let loops, let port) = state else {
                throw HTTPServerError(code: .alreadyRunning, detail: "run() called twice or after shutdown")
            }
            state = .running(loops: loops, port: port)
            return loops
        }
        let shutdownSignal = self.shutdownSignal
        let grace = configuration.shutdownGracePeriod
        for loop in loops { loop.send(.serve) }
        await withTaskCancellationHandler {
            for await _ in shutdownSignal {}
            await withTaskGroup(of: Void.self) { group in
                // Handlers still running when the grace period ends (at once if this task is cancelled) are
                // cancelled; the drain then waits for them to answer, as for the others.
                group.addTask {
                    try? await Task.sleep(for: grace)
                    for loop in loops { loop.send(.cancelHandlers) }
                }
                for loop in loops { await loop.handlersFinished() }
                group.cancelAll()
            }
        } onCancel: {
            self.shutdown()
        }
        for loop in loops { loop.send(.stop) }
        for loop in loops { await loop.waitUntilExited() }
        state.withLock { $0 = .stopped }
    }

    /// Loads the certificate, key and client CAs of `tls` for the connections accepted from now on; the open ones
    /// finish with the certificate they started with. On a failure nothing changes.
    /// - Throws: ``HTTPServerError`` `http-server.tls-configuration` when a file does not load, or when the server
    ///   was not started with TLS (turning TLS on or off takes a new server).
    public func replaceTLS(_ tls: TLSServerConfiguration) throws(HTTPServerError) {
        guard let context = tlsContext.withLock({ $0 }) else {
            throw HTTPServerError(code: .tlsConfiguration, detail: "the server was not started with TLS")
        }
        try context.replace(with: tls)
    }

    /// The open connections of each loop, by loop index (empty before start).
    var connectionsPerLoop: [Int] {
        let loops = state.withLock { state -> [EventLoop] in
            switch state {
            case .started(let loops, _), .running(let loops, _): loops
            default: []
            }
        }
        return loops.first?.settings.balance?.connectionsPerLoop ?? []
    }

    /// Stops accepting and starts the drain of ``run()``; safe from any thread, repeatable.
    public func shutdown() {
        let loops = state.withLock { state -> [EventLoop] in
            switch state {
            case .started(let loops, _), .running(let loops, _): loops
            default: []
            }
        }
        for loop in loops { loop.send(.stopAccepting) }
        shutdownTrigger.finish()
    }

    private func startLoops() async throws(HTTPServerError) -> ([EventLoop], Int) {
        HTTPServerRuntime.prepare()
        let configuration = self.configuration
        guard configuration.eventLoops >= 1, configuration.maxHeaderBytes > 0, configuration.maxBodyBytes >= 0,
            configuration.maxConnections >= 1, configuration.maxBufferedResponseBytes >= 1,
            configuration.maxConnectionsPerAddress >= 1, configuration.minBodyBytesPerSecond >= 0,
            configuration.headerTimeout > .zero, configuration.handshakeTimeout > .zero,
            (0...65535).contains(configuration.port)
        else {
            throw HTTPServerError(code: .invalidConfiguration, detail: "eventLoops, limits or port out of range")
        }
        let tls = try configuration.tls.map { configuration throws(HTTPServerError) in
            try ReloadableTLSContext(configuration)
        }
        tlsContext.withLock { $0 = tls }
        var settings = Self.loopSettings(configuration)
        settings.balance = AcceptBalance(loops: configuration.eventLoops)
        let addresses = AddressLimiter(limit: configuration.maxConnectionsPerAddress)
        let handler = self.handler
        var loops: [EventLoop] = []
        var port = configuration.port
        var listening = ListeningSocket.bind(host: configuration.host, port: configuration.port)
        for index in 0..<configuration.eventLoops {
            let loop = EventLoop(index: index, settings: settings, tls: tls, addresses: addresses, handler: handler)
            let socket = listening
            let result = await withCheckedContinuation {
                (continuation: CheckedContinuation<Result<(port: Int, socket: Int32), HTTPServerError>, Never>) in
                Thread {
                    // "lienthong-http" and the index fit the kernel's 15 bytes for loops 0-9.
                    lt_name_current_thread("lienthong-http\(index)")
                    loop.threadMain(socket) { continuation.resume(returning: $0) }
                }.start()
            }
            switch result {
            case .success(let bound):
                port = bound.port
                loops.append(loop)
                guard index + 1 < configuration.eventLoops else { break }
                // Each later loop owns a duplicate of the first loop's socket, so each closes its own.
                let shared = dup(bound.socket)
                if shared < 0 {
                    for started in loops { started.send(.stop) }
                    for started in loops { await started.waitUntilExited() }
                    throw HTTPServerError(code: .loopFailed, detail: "cannot share the listening socket")
                }
                listening = .shared(shared)
            case .failure(let error):
                for started in loops { started.send(.stop) }
                for started in loops { await started.waitUntilExited() }
                throw error
            }
        }
        return (loops, port)
    }

    /// The limits and timeouts each loop of a server with `configuration` applies.
    static func loopSettings(_ configuration: HTTPServerConfiguration) -> LoopSettings {
        let perLoop = (configuration.maxConnections + configuration.eventLoops - 1) / configuration.eventLoops
        return LoopSettings(
            maxHeaderBytes: configuration.maxHeaderBytes,
            maxBodyBytes: configuration.maxBodyBytes,
            maxConnections: perLoop,
            readTimeout: Self.timeval(configuration.readTimeout),
            writeTimeout: Self.timeval(configuration.writeTimeout),
            idleTimeout: Self.timeval(configuration.idleTimeout),
            maxBufferedResponseBytes: configuration.maxBufferedResponseBytes,
            connection: EventLoop.StateMachine.Limits(
                maxHeaderBytes: configuration.maxHeaderBytes,
                maxBodyBytes: configuration.maxBodyBytes,
                headerTimeout: configuration.headerTimeout,
                handshakeTimeout: configuration.handshakeTimeout,
                minBodyBytesPerSecond: configuration.minBodyBytesPerSecond,
                streamedRoutes: configuration.streamedBodyRoutes),
            // A deadline is overrun by at most a quarter of itself (and never checked more than once a second).
            deadlineCheckInterval: Self.timeval(
                min(.seconds(1), min(configuration.headerTimeout, configuration.handshakeTimeout) / 4)),
            observer: configuration.observer
        )
    }

    private static func timeval(_ duration: Duration) -> Glibc.timeval {
        let (seconds, attoseconds) = duration.components
        return Glibc.timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}

/// Process-wide setup that libevent needs once.
enum HTTPServerRuntime {
    private static let prepared: Bool = {
        // Locking and cross-thread wake-ups for every event_base created afterwards.
        evthread_use_pthreads()
        // A peer closing mid-write must produce EPIPE, not kill the process.
        signal(SIGPIPE, SIG_IGN)
        EventLoop.installSocketLoops()
        return true
    }()

    /// Runs the one-time setup (idempotent, thread-safe).
    static func prepare() {
        _ = prepared
    }
}
