extension EventLoop {
    /// What a connection may do next, decided from the bytes it sent and the time; one per connection.
    ///
    /// evhttp sees a request only once its whole head has arrived and passed ``RequestHeadCheck``: until then the
    /// loop holds the bytes back (``InputAction/hold``). A refused head is replaced by a stand-in request that the
    /// loop answers with the problem, so evhttp frames the reply and closes the connection. Pure: no libevent, the
    /// clock is an argument.
    struct StateMachine {
        /// The limits and deadlines the machine enforces.
        struct Limits: Sendable {
            var maxHeaderBytes: Int
            var maxBodyBytes: Int
            /// From accept (first request) or the first byte (later requests) to the end of the head.
            var headerTimeout: Duration
            /// From accept to the end of the TLS handshake.
            var handshakeTimeout: Duration
            /// The slowest average body rate accepted once a body has taken longer than `headerTimeout`.
            var minBodyBytesPerSecond: Int
        }

        enum State {
            /// Waiting for a request head; `since` starts its deadline (`nil`: idle between requests).
            case head(since: ContinuousClock.Instant?, held: [UInt8])
            /// evhttp reads the body of an accepted head.
            case body(since: ContinuousClock.Instant, received: Int, chunks: ChunkedBodyScanner?)
            /// The handler has the request; bytes of a next request wait until the response is sent.
            case handling(held: [UInt8])
            /// The request was refused; everything else the client sends is dropped.
            case rejected(RequestHeadError)
        }

        /// What the loop does with bytes that just arrived in the connection's input buffer.
        enum InputAction: Equatable {
            /// Leave them for evhttp.
            case pass
            /// Take them out of the buffer; the machine keeps them.
            case hold
            /// Take them out and give evhttp these bytes instead.
            case release([UInt8])
            /// Take them out and give evhttp ``standIn``; answer it with the problem and close.
            case reject(RequestHeadError)
            /// Take them out and drop them.
            case discard
        }

        /// What the loop does when a deadline check finds one passed.
        enum TickAction: Equatable {
            case none
            /// Refuse the partly received head (the loop feeds evhttp ``standIn``).
            case reject(RequestHeadError)
            /// Close the connection without an answer (nothing of a request arrived, or the body is mid-way).
            case close
        }

        /// The request evhttp reads in place of a refused one; its answer is the refusal's problem.
        static let standIn = Array("GET / HTTP/1.1\r\nHost: refused\r\nConnection: close\r\n\r\n".utf8)

        let limits: Limits
        private(set) var state: State
        /// When the TLS handshake was seen finished; the accept time for plain connections.
        private var handshakeDone: ContinuousClock.Instant?
        private let acceptedAt: ContinuousClock.Instant

        init(limits: Limits, isTLS: Bool, now: ContinuousClock.Instant) {
            self.limits = limits
            self.state = .head(since: now, held: [])
            self.acceptedAt = now
            self.handshakeDone = isTLS ? nil : now
        }

        /// The refusal that ended this connection, if any.
        var rejection: RequestHeadError? {
            if case .rejected(let error) = state { return error }
            return nil
        }

        /// Whether the connection waits between requests, with nothing of the next one received.
        var isIdle: Bool {
            if case .head(nil, _) = state { return true }
            return false
        }

        /// Bytes arrived from the client.
        mutating func received(_ bytes: [UInt8], at now: ContinuousClock.Instant) -> InputAction {
            switch state {
            case .head(let since, let held):
                return takeHead(held + bytes, since: since ?? now, at: now)
            case .body(let since, let received, var chunks?):
                let out = chunks.scan(bytes)
                if chunks.failed {
                    // evhttp ends the request on the refused line; its error page becomes this problem.
                    state = .rejected(.init(code: .invalidChunk))
                } else {
                    state = .body(since: since, received: received + bytes.count, chunks: chunks)
                }
                return .release(out)
            case .body(let since, let received, nil):
                state = .body(since: since, received: received + bytes.count, chunks: nil)
                return .pass
            case .handling(let held):
                state = .handling(held: held + bytes)
                return .hold
            case .rejected:
                return .discard
            }
        }

        /// evhttp has read the whole request and handed it to the loop.
        mutating func requestDelivered() {
            if case .rejected = state { return }
            state = .handling(held: [])
        }

        /// The response was sent; `buffered` is what evhttp left unread in the input buffer (a pipelined request).
        mutating func requestCompleted(buffered: [UInt8], at now: ContinuousClock.Instant) -> InputAction {
            var held = buffered
            if case .handling(let waiting) = state { held += waiting }
            guard !held.isEmpty else {
                if case .rejected = state { return .discard }
                state = .head(since: nil, held: [])
                return .hold
            }
            if case .rejected = state { return .discard }
            return takeHead(held, since: now, at: now)
        }

        /// Checks the deadlines; `handshakeFinished` tells whether the TLS handshake has completed.
        mutating func tick(at now: ContinuousClock.Instant, handshakeFinished: Bool) -> TickAction {
            guard let handshakeDone else {
                if handshakeFinished {
                    self.handshakeDone = now
                    return .none
                }
                return now - acceptedAt >= limits.handshakeTimeout ? .close : .none
            }
            switch state {
            case .head(let since?, let held):
                // The first request's deadline starts once the handshake is done.
                let start = max(since, handshakeDone)
                guard now - start >= limits.headerTimeout else { return .none }
                if held.isEmpty { return .close }
                state = .rejected(.init(code: .requestTimeout))
                return .reject(.init(code: .requestTimeout))
            case .body(let since, let received, _):
                let elapsed = now - since
                guard elapsed >= limits.headerTimeout else { return .none }
                let (seconds, attoseconds) = elapsed.components
                let floor = (Double(seconds) + Double(attoseconds) / 1e18) * Double(limits.minBodyBytesPerSecond)
                return Double(received) < floor ? .close : .none
            case .head(nil, _), .handling, .rejected:
                return .none
            }
        }

        private mutating func takeHead(
            _ bytes: [UInt8], since: ContinuousClock.Instant, at now: ContinuousClock.Instant
        ) -> InputAction {
            // RFC 9112 §2.2: empty lines before a request line are ignored.
            let held = Array(bytes.drop { $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\n") })
            guard let end = RequestHeadCheck.headEnd(in: held, from: 0) else {
                if held.count > limits.maxHeaderBytes { return reject(.init(code: .headersTooLarge)) }
                state = .head(since: since, held: held)
                return .hold
            }
            if end > limits.maxHeaderBytes { return reject(.init(code: .headersTooLarge)) }
            switch RequestHeadCheck.check(held[..<end], maxBodyBytes: limits.maxBodyBytes) {
            case .failure(let error):
                return reject(error)
            case .success(let framing):
                let body = Array(held[end...])
                var out = body
                var chunks: ChunkedBodyScanner?
                if framing.chunked {
                    var scanner = ChunkedBodyScanner()
                    out = scanner.scan(body)
                    chunks = scanner
                }
                state = .body(since: now, received: body.count, chunks: chunks)
                if chunks?.failed == true { state = .rejected(.init(code: .invalidChunk)) }
                return .release(Array(held[..<end]) + out)
            }
        }

        private mutating func reject(_ error: RequestHeadError) -> InputAction {
            state = .rejected(error)
            return .reject(error)
        }
    }
}
