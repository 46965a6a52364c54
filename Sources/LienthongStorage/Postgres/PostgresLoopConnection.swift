import CPostgres
import Foundation
import LienthongCore

/// One nonblocking libpq connection driven by an event loop: its socket is watched by the loop's `event_base`
/// (``SocketLoop/makeSocketWatch(_:_:)``) and each readiness moves the work on (`PQconnectPoll` while connecting,
/// then `PQflush`, `PQconsumeInput`, `PQisBusy`, `PQgetResult`), so no thread ever waits for the server.
///
/// Used on its loop's thread only, by ``PostgresLoopConnections``.
final class PostgresLoopConnection {
    enum State {
        case connecting, idle, busy, broken
    }

    private(set) var state = State.connecting
    private let handle: OpaquePointer
    private let loop: any SocketLoop
    private var watch: (any SocketWatch)?
    private var socket: Int32 = -1
    let endpoint: String
    /// Statements prepared on this session, by SQL text.
    private var preparedNames: [String: String] = [:]
    private var connectDeadline: ContinuousClock.Instant
    /// Told once when the connection is up (`nil`) or failed to come up.
    private var connected: ((PostgresError?) -> Void)?

    // The work under way.
    private var work: PostgresWork?
    private var results: [PostgresResult] = []
    private var completion: ((Result<[PostgresResult], PostgresError>) -> Void)?
    /// The statement on the wire: its SQL, and the name being prepared when it is a `PQsendPrepare`.
    private var current: (statement: PostgresStatement, preparing: String?)?
    private var failure: PostgresError?
    private var lastResult: PostgresResult?
    /// Set while a `ROLLBACK` after a failure runs; the failure is reported when it is done.
    private var rollingBack = false
    /// A statement just prepared, to run next.
    private var preparedStatement: PostgresStatement?

    /// Starts connecting (`PQconnectStartParams`), with `parameters` overriding keywords of `conninfo`; `connected`
    /// is called on the loop when that ends.
    init(
        conninfo: String, parameters: [String: String] = [:], connectTimeout: Duration, loop: any SocketLoop,
        connected: @escaping (PostgresError?) -> Void
    ) throws(PostgresError) {
        var parseMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &parseMessage) else {
            PQfreemem(parseMessage)
            throw PostgresError(.connect, "the connection string is malformed")
        }
        PQconninfoFree(options)
        let extra = parameters.sorted { $0.key < $1.key }
        let keywords = ["dbname", "fallback_application_name", "client_encoding"] + extra.map(\.key)
        let values = [conninfo, "lienthong", "UTF8"] + extra.map(\.value)
        let started = withCStringArray(keywords) { keywords in
            withCStringArray(values) { values in PQconnectStartParams(keywords, values, 1) }
        }
        guard let started else { throw PostgresError(.connect, "libpq could not allocate a connection") }
        let endpoint = PostgresConnection.endpoint(of: started)
        guard PQstatus(started) != CONNECTION_BAD, PQsetnonblocking(started, 1) == 0 else {
            let reason = PostgresConnection.firstLine(PQerrorMessage(started))
            PQfinish(started)
            throw PostgresError(.connect, "cannot connect to \(endpoint): \(reason)")
        }
        handle = started
        self.endpoint = endpoint
        self.loop = loop
        self.connected = connected
        connectDeadline = .now + connectTimeout
        // libpq's first step after PQconnectStart is to wait until the socket is writable.
        watchSocket(.write, timeout: connectTimeout)
    }

    deinit {
        watch?.close()
        PQfinish(handle)
    }

    /// Whether an idle connection is still usable: reads what the server sent meanwhile (a session it ended shows up
    /// as a readable socket), without waiting.
    func isAlive() -> Bool {
        guard state == .idle, PQstatus(handle) == CONNECTION_OK else { return false }
        // A session the server ended sends its goodbye (an error message) and then end of file, which libpq only
        // notices on a later read. A healthy idle socket has nothing to read.
        for _ in 0..<4 {
            var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 0) > 0 else { return true }
            guard PQconsumeInput(handle) == 1, PQstatus(handle) == CONNECTION_OK else {
                state = .broken
                return false
            }
        }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Runs `work` on this idle connection; `completion` is called on the loop with every result, or the first
    /// failure (after rolling back a transaction the failure left open).
    func run(_ work: @escaping PostgresWork, completion: @escaping (Result<[PostgresResult], PostgresError>) -> Void) {
        precondition(state == .idle, "a loop connection runs one piece of work at a time")
        state = .busy
        self.work = work
        self.completion = completion
        results = []
        failure = nil
        rollingBack = false
        sendNext()
    }

    /// Closes the socket now; a caller still waiting is told `error`.
    func close(_ error: PostgresError) {
        watch?.close()
        watch = nil
        if state == .connecting { connected?(error) }
        connected = nil
        finish(.failure(error), broken: true)
    }

    // MARK: - Connecting

    private func connectStep(_ ready: SocketInterest) {
        guard ready != [] else {
            failConnect(PostgresError(.connect, "cannot connect to \(endpoint): timed out"))
            return
        }
        let timeout = max(.zero, connectDeadline - .now)
        switch PQconnectPoll(handle) {
        case PGRES_POLLING_READING:
            watchSocket(.read, timeout: timeout)
        case PGRES_POLLING_WRITING:
            watchSocket(.write, timeout: timeout)
        case PGRES_POLLING_OK:
            // The default processor prints server notices to stderr; the gateway logs its own way.
            PQsetNoticeProcessor(handle, { _, _ in }, nil)
            state = .idle
            watch?.watch([], timeout: nil)
            let connected = self.connected
            self.connected = nil
            connected?(nil)
        default:
            failConnect(
                PostgresError(
                    .connect, "cannot connect to \(endpoint): \(PostgresConnection.firstLine(PQerrorMessage(handle)))"))
        }
    }

    private func failConnect(_ error: PostgresError) {
        state = .broken
        watch?.close()
        watch = nil
        let connected = self.connected
        self.connected = nil
        connected?(error)
    }

    /// Watches the connection's socket, which may change while connecting (one per address tried).
    private func watchSocket(_ interest: SocketInterest, timeout: Duration?) {
        let descriptor = PQsocket(handle)
        if descriptor != socket || watch == nil {
            watch?.close()
            socket = descriptor
            watch = loop.makeSocketWatch(descriptor) { [weak self] ready in self?.ready(ready) }
        }
        watch?.watch(interest, timeout: timeout)
    }

    private func ready(_ ready: SocketInterest) {
        switch state {
        case .connecting: connectStep(ready)
        case .busy: busyStep(ready)
        case .idle, .broken: break
        }
    }

    // MARK: - Statements

    /// Sends the next statement the work asks for, or finishes.
    private func sendNext() {
        let statement: PostgresStatement
        if rollingBack {
            statement = PostgresStatement("ROLLBACK")
        } else if let prepared = preparedStatement {
            statement = prepared
            preparedStatement = nil
        } else if let next = work?(results) {
            statement = next
        } else {
            finish(.success(results), broken: false)
            return
        }
        var name: String?
        var preparing: String?
        if statement.prepared && !rollingBack {
            if let known = preparedNames[statement.sql] {
                name = known
            } else {
                preparing = "lienthong_\(preparedNames.count + 1)"
            }
        }
        current = (statement, preparing)
        lastResult = nil
        let sent: Int32
        do throws(PostgresError) {
            sent = try PostgresConnection.withParameters(statement.parameters) { values throws(PostgresError) in
                let count = Int32(statement.parameters.count)
                if let preparing { return PQsendPrepare(handle, preparing, statement.sql, count, nil) }
                if let name { return PQsendQueryPrepared(handle, name, count, values, nil, nil, 0) }
                return PQsendQueryParams(handle, statement.sql, count, nil, values, nil, nil, 0)
            }
        } catch {
            finish(.failure(error), broken: false)
            return
        }
        guard sent == 1 else {
            finish(.failure(lost("send")), broken: true)
            return
        }
        flush()
    }

    /// Pushes what libpq buffered to the socket, then waits for the answer (and for room to write, if needed).
    private func flush() {
        switch PQflush(handle) {
        case 0: watchSocket(.read, timeout: nil)
        case 1: watchSocket([.read, .write], timeout: nil)
        default: finish(.failure(lost("flush")), broken: true)
        }
    }

    private func busyStep(_ ready: SocketInterest) {
        if ready.contains(.write) && !ready.contains(.read) {
            flush()
            return
        }
        guard PQconsumeInput(handle) == 1 else {
            finish(.failure(lost("read")), broken: true)
            return
        }
        while PQisBusy(handle) == 0 {
            guard let result = PQgetResult(handle) else {
                statementDone()
                return
            }
            take(result)
        }
        flush()
    }

    /// Keeps a result of the statement on the wire: the rows, or the first failure.
    private func take(_ result: OpaquePointer) {
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            lastResult = PostgresConnection.copy(result)
        default:
            let operation = current?.preparing != nil ? "prepare" : "query"
            failure =
                failure
                ?? PostgresConnection.failure(result, connection: handle, endpoint: endpoint, operation: operation)
        }
    }

    private func statementDone() {
        guard let (statement, preparing) = current else { return }
        current = nil
        if rollingBack {
            finish(.failure(failure ?? lost("rollback")), broken: PQstatus(handle) != CONNECTION_OK)
            return
        }
        if let failure {
            // A failed statement inside a transaction leaves it open (aborted): roll it back before reuse.
            if PQstatus(handle) == CONNECTION_OK && PQtransactionStatus(handle) != PQTRANS_IDLE {
                rollingBack = true
                sendNext()
            } else {
                finish(.failure(failure), broken: failure.code == .connectionLost)
            }
            return
        }
        if let preparing {
            preparedNames[statement.sql] = preparing
            // Now run what was prepared: the same statement finds its name.
            current = nil
            resend(statement)
            return
        }
        results.append(lastResult ?? PostgresResult(columns: [], columnTypes: [], rows: [], affectedRows: nil))
        sendNext()
    }

    /// Sends `statement` again once it is prepared.
    private func resend(_ statement: PostgresStatement) {
        preparedStatement = statement
        sendNext()
    }

    private func lost(_ operation: String) -> PostgresError {
        PostgresError(.connectionLost, "\(operation): connection to \(endpoint) lost")
    }

    private func finish(_ result: Result<[PostgresResult], PostgresError>, broken: Bool) {
        if broken || PQstatus(handle) != CONNECTION_OK { state = .broken } else if state == .busy { state = .idle }
        if state == .broken {
            watch?.close()
            watch = nil
        } else {
            watch?.watch([], timeout: nil)
        }
        work = nil
        current = nil
        preparedStatement = nil
        let completion = self.completion
        self.completion = nil
        completion?(result)
    }
}
