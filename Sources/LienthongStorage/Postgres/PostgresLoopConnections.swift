import LienthongCore

/// A pool's connections on one event loop: at most ``PostgresConnectionPool/Configuration/maximumConnections``,
/// opened on demand without blocking, handed to the pool's requests from that loop first come first served. A
/// request never waits on another loop's connection, and no lock is shared between loops.
///
/// Loop thread only. `@unchecked Sendable` only so that the pool can hand it to its loop's thread (to close it).
final class PostgresLoopConnections: LoopResident, @unchecked Sendable {
    typealias Completion = (Result<[PostgresResult], PostgresError>) -> Void

    private struct Request {
        let id: UInt64
        let work: PostgresWork
        let completion: Completion
        let timer: any SocketWatch
    }

    private let configuration: PostgresConnectionPool.Configuration
    private let loop: any SocketLoop
    private var connections: [ObjectIdentifier: PostgresLoopConnection] = [:]
    private var idle: [PostgresLoopConnection] = []
    private var waiting: [Request] = []
    /// Why new requests fail at once: the pool closed or the loop stopped.
    private var ended: PostgresError?

    /// The key this set is kept under on its loop, alive as long as the set.
    private let key: ResidentKey

    init(configuration: PostgresConnectionPool.Configuration, loop: any SocketLoop, key: ResidentKey) {
        self.configuration = configuration
        self.loop = loop
        self.key = key
    }

    /// Connections open or opening on this loop, and requests waiting for one.
    var counts: (open: Int, idle: Int, waiting: Int) { (connections.count, idle.count, waiting.count) }

    /// Runs `work` on a connection of this loop as soon as one is free; `completion` is called on the loop.
    func submit(_ id: UInt64, _ work: @escaping PostgresWork, completion: @escaping Completion) {
        if let ended {
            completion(.failure(ended))
            return
        }
        if let connection = takeIdle() {
            start(work, on: connection, completion)
            return
        }
        let timeout = configuration.checkoutTimeout
        let timer = loop.makeSocketWatch(-1) { [weak self] _ in
            self?.fail(id, PostgresError(.timeout, "no connection became free within \(timeout)"))
        }
        timer.watch([], timeout: timeout)
        waiting.append(Request(id: id, work: work, completion: completion, timer: timer))
        if connections.count < configuration.maximumConnections { open() }
    }

    /// Fails request `id` with `cancelled` if it still waits for a connection; one already running finishes.
    func cancel(_ id: UInt64) {
        fail(id, PostgresError(.cancelled, "cancelled while waiting for a connection"))
    }

    /// The pool closed: waiters fail with `poolClosed`, idle connections close now, busy ones when done.
    func close() {
        end(PostgresError(.poolClosed, "the pool is closed"))
    }

    func loopStopped() {
        end(PostgresError(.cancelled, "the event loop stopped"))
        // Running work fails too: nothing drives its socket any more.
        for connection in Array(connections.values) {
            connection.close(PostgresError(.cancelled, "the event loop stopped"))
        }
        connections = [:]
    }

    // MARK: - Private

    private func end(_ error: PostgresError) {
        guard ended == nil else { return }
        ended = error
        let requests = waiting
        waiting = []
        for request in requests {
            request.timer.close()
            request.completion(.failure(error))
        }
        for connection in idle { connections[ObjectIdentifier(connection)] = nil }
        idle = []
    }

    private func takeIdle() -> PostgresLoopConnection? {
        // Most recently used first: it is the likeliest to be warm.
        while let connection = idle.popLast() {
            if connection.isAlive() { return connection }
            connections[ObjectIdentifier(connection)] = nil
        }
        return nil
    }

    private func open() {
        var opening: PostgresLoopConnection?
        do throws(PostgresError) {
            opening = try PostgresLoopConnection(
                conninfo: configuration.conninfo, parameters: configuration.parameters,
                connectTimeout: configuration.connectTimeout, loop: loop
            ) { [weak self] error in
                guard let self, let connection = opening else { return }
                opening = nil
                if let error {
                    self.connectFailed(connection, error)
                } else {
                    self.release(connection)
                }
            }
        } catch {
            connectFailed(nil, error)
            return
        }
        if let opening { connections[ObjectIdentifier(opening)] = opening }
    }

    /// A connection did not come up: when no other one is open, the server is unreachable and every waiter fails
    /// now (as a blocking connect would have); otherwise they wait for the others.
    private func connectFailed(_ connection: PostgresLoopConnection?, _ error: PostgresError) {
        if let connection { connections[ObjectIdentifier(connection)] = nil }
        guard connections.isEmpty else { return }
        let requests = waiting
        waiting = []
        for request in requests {
            request.timer.close()
            request.completion(.failure(error))
        }
    }

    private func start(
        _ work: @escaping PostgresWork, on connection: PostgresLoopConnection, _ completion: @escaping Completion
    ) {
        connection.run(work) { [weak self] result in
            completion(result)
            self?.release(connection)
        }
    }

    /// A connection came up or finished its work: it takes the first waiter, or rests; a broken one is dropped and
    /// replaced if requests wait.
    private func release(_ connection: PostgresLoopConnection) {
        guard ended == nil, connection.state == .idle else {
            connections[ObjectIdentifier(connection)] = nil
            if ended == nil, !waiting.isEmpty, connections.count < configuration.maximumConnections { open() }
            return
        }
        guard !waiting.isEmpty else {
            idle.append(connection)
            return
        }
        let request = waiting.removeFirst()
        request.timer.close()
        start(request.work, on: connection, request.completion)
    }

    private func fail(_ id: UInt64, _ error: PostgresError) {
        guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
        let request = waiting.remove(at: index)
        request.timer.close()
        request.completion(.failure(error))
    }
}
