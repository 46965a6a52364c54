import LienthongCore
import Synchronization

extension PostgresConnectionPool {
    /// Runs `work` on one connection, statement after statement, and returns every result.
    ///
    /// With ``Configuration/onEventLoops``, on an event loop (or, for a caller on none, the auxiliary loop) the work
    /// runs on that loop's own connections of this pool, through libpq's nonblocking API driven by the loop's
    /// events: no thread waits, and the caller resumes on the loop. Otherwise, or in a process without event loops
    /// (some tools), it runs blocking on a pooled connection's queue.
    /// - Parameter work: Chooses each statement from the results so far; `nil` ends the work.
    /// - Returns: The results of the statements, in order.
    /// - Throws: The first statement's failure (an open transaction is rolled back first), or as
    ///   ``query(_:_:prepared:)``.
    public nonisolated func run(_ work: @escaping PostgresWork) async throws(PostgresError) -> [PostgresResult] {
        guard configuration.onEventLoops, let loop = SocketLoops.forCaller else {
            return try await withConnection { connection throws(PostgresError) in
                var results: [PostgresResult] = []
                while let statement = work(results) {
                    do throws(PostgresError) {
                        results.append(
                            try connection.query(statement.sql, statement.parameters, prepared: statement.prepared))
                    } catch {
                        if error.code == .query { _ = try? connection.execute("ROLLBACK") }
                        throw error
                    }
                }
                return results
            }
        }
        return try await run(work, on: loop)
    }

    private nonisolated func run(_ work: @escaping PostgresWork, on loop: any SocketLoop) async throws(PostgresError)
        -> [PostgresResult]
    {
        let loops = self.loops
        let id = loops.nextRequestID()
        let configuration = configuration
        let stopped = PostgresError(.cancelled, "the event loop stopped")
        let result = await withTaskCancellationHandler {
            await loop.runOnLoop(otherwise: .failure(stopped)) {
                await withCheckedContinuation {
                    (continuation: CheckedContinuation<Result<[PostgresResult], PostgresError>, Never>) in
                    if let closed = loops.refusal() {
                        continuation.resume(returning: .failure(closed))
                        return
                    }
                    guard !Task.isCancelled else {
                        let cancelled = PostgresError(.cancelled, "cancelled before it started")
                        continuation.resume(returning: .failure(cancelled))
                        return
                    }
                    loops.connections(on: loop, configuration: configuration).submit(id, work) {
                        continuation.resume(returning: $0)
                    }
                }
            }
        } onCancel: {
            loop.postToLoop { loops.existingConnections(on: loop)?.cancel(id) }
        }
        return try result.get()
    }
}

/// The loops a pool has connections on, so that closing the pool closes them; touched only when a loop's set is
/// made, looked up for a cancellation, or closed.
final class PostgresPoolLoops: Sendable {
    private struct State {
        var loops: [ObjectIdentifier: (loop: any SocketLoop, connections: PostgresLoopConnections)] = [:]
        var closed = false
    }

    private let state = Mutex(State())
    private let requestIDs = Atomic<UInt64>(0)
    /// The key of this pool's residents: each of them keeps it alive, so its identity is never reused while one
    /// is left on a loop (a removal still under way when the pool goes cannot hit a newer pool's).
    private let key = ResidentKey()

    /// Closes the pool's connections on the loops when the pool goes without ``PostgresConnectionPool/close()``.
    deinit { close() }

    func nextRequestID() -> UInt64 { requestIDs.add(1, ordering: .relaxed).newValue }

    /// Why a request is refused at once: the pool is closed.
    func refusal() -> PostgresError? {
        state.withLock { $0.closed } ? PostgresError(.poolClosed, "the pool is closed") : nil
    }

    /// This pool's connections on `loop`, made on first use (loop thread only).
    func connections(on loop: any SocketLoop, configuration: PostgresConnectionPool.Configuration)
        -> PostgresLoopConnections
    {
        let resident = loop.resident(ObjectIdentifier(key)) {
            let made = PostgresLoopConnections(configuration: configuration, loop: loop, key: key)
            state.withLock { $0.loops[ObjectIdentifier(loop)] = (loop, made) }
            return made
        }
        // Only this type puts residents under this pool's key.
        return resident as! PostgresLoopConnections
    }

    /// This pool's connections on `loop` if it has any (loop thread only).
    func existingConnections(on loop: any SocketLoop) -> PostgresLoopConnections? {
        state.withLock { $0.loops[ObjectIdentifier(loop)]?.connections }
    }

    /// Closes the pool's connections on every loop (on each loop's thread).
    func close() {
        let loops = state.withLock { state in
            state.closed = true
            defer { state.loops = [:] }
            return Array(state.loops.values)
        }
        let key = ObjectIdentifier(self.key)
        for (loop, connections) in loops {
            loop.postToLoop {
                _ = loop.removeResident(key)
                connections.close()
            }
        }
    }
}

/// Identifies one pool's residents on the loops.
final class ResidentKey: Sendable {}
