private import Foundation

/// How an ``HTTPServer`` listens and which limits it enforces.
public struct HTTPServerConfiguration: Sendable {
    /// The address to bind, e.g. `127.0.0.1`, `0.0.0.0` or `::1`.
    public var host: String
    /// The port to bind; `0` picks an ephemeral port (see ``HTTPServer/start()``).
    public var port: Int
    /// TLS settings; `nil` serves plain HTTP.
    public var tls: TLSServerConfiguration?
    /// The number of event loops (threads); all accept on one listening socket.
    public var eventLoops: Int
    /// The largest request line plus header fields in bytes (line terminators excluded); more gives 431.
    public var maxHeaderBytes: Int
    /// The largest request body in bytes; more gives 413.
    public var maxBodyBytes: Int
    /// The most open connections; further connections wait in the kernel backlog until one closes.
    ///
    /// Each loop gets an equal share (rounded up).
    public var maxConnections: Int
    /// The most open connections from one client address; further ones are closed at once.
    public var maxConnectionsPerAddress: Int
    /// The longest wait for more bytes of a request that has started.
    public var readTimeout: Duration
    /// The longest a request line and headers may take to arrive in full, from accept (or from the first
    /// byte of a later request on a keep-alive connection); a late head gets 408.
    public var headerTimeout: Duration
    /// The longest a TLS handshake may take, from accept.
    public var handshakeTimeout: Duration
    /// The slowest average rate, in bytes per second, at which a request body may arrive once it has taken
    /// longer than ``headerTimeout``; a slower body's connection is closed.
    public var minBodyBytesPerSecond: Int
    /// The longest wait for the peer to accept response bytes.
    public var writeTimeout: Duration
    /// The longest a keep-alive connection may sit idle between requests.
    public var idleTimeout: Duration
    /// How long ``HTTPServer/run()`` waits for in-flight requests after ``HTTPServer/shutdown()``.
    public var shutdownGracePeriod: Duration
    /// The most bytes of a streamed response a connection holds unsent before the producer's next write waits
    /// (see ``HTTPResponse/streaming(status:headers:producer:)``).
    public var maxBufferedResponseBytes: Int
    /// Told of the answers, connections and handshakes the server handles without its handler; none by default.
    public var observer: HTTPServerObserver?
    /// Routes whose request bodies reach the handler while they arrive (``HTTPRequest/bodyStream``), each with its
    /// own body limit; every other route's body is read whole, up to ``maxBodyBytes``, before the handler runs.
    public var streamedBodyRoutes: [StreamedBodyRoute] = []

    /// Creates a configuration; every limit has a default.
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        tls: TLSServerConfiguration? = nil,
        eventLoops: Int = HTTPServerConfiguration.defaultEventLoops,
        maxHeaderBytes: Int = 16 * 1024,
        maxBodyBytes: Int = 1024 * 1024,
        maxConnections: Int = 10_000,
        maxConnectionsPerAddress: Int = 1_000,
        readTimeout: Duration = .seconds(30),
        headerTimeout: Duration = .seconds(10),
        handshakeTimeout: Duration = .seconds(10),
        minBodyBytesPerSecond: Int = 1_024,
        writeTimeout: Duration = .seconds(30),
        idleTimeout: Duration = .seconds(60),
        shutdownGracePeriod: Duration = .seconds(10),
        maxBufferedResponseBytes: Int = 1024 * 1024
    ) {
        self.host = host
        self.port = port
        self.tls = tls
        self.eventLoops = eventLoops
        self.maxHeaderBytes = maxHeaderBytes
        self.maxBodyBytes = maxBodyBytes
        self.maxConnections = maxConnections
        self.maxConnectionsPerAddress = maxConnectionsPerAddress
        self.readTimeout = readTimeout
        self.headerTimeout = headerTimeout
        self.handshakeTimeout = handshakeTimeout
        self.minBodyBytesPerSecond = minBodyBytesPerSecond
        self.writeTimeout = writeTimeout
        self.idleTimeout = idleTimeout
        self.shutdownGracePeriod = shutdownGracePeriod
        self.maxBufferedResponseBytes = maxBufferedResponseBytes
    }

    /// The number of active processor cores.
    public static var defaultEventLoops: Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}
