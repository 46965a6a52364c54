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
            /// Routes whose bodies go to the handler as they arrive, each with its own body limit.
            var streamedRoutes: [StreamedBodyRoute] = []
        }

        /// A body the handler reads while it arrives (a ``StreamedBodyRoute``); evhttp saw a head without framing.
        struct StreamedBody: Equatable {
            var since: ContinuousClock.Instant
            var received: Int
            /// Body bytes still to come.
            var remaining: Int
            /// Body bytes that arrived before the loop took the body for the handler.
            var early: [UInt8]
            var attached = false
            /// Bytes after the body: the start of a next request, held until the response is sent.
            var next: [UInt8] = []
            /// The framing fields evhttp did not see, for the handler's request.
            var framing: [HTTPHeaders.Field]
        }

        /// What the loop hands the handler when it takes a streamed body.
        struct BodyStart: Equatable {
            /// The body bytes that arrived so far.
            var early: [UInt8]
            /// Whether they are the whole body.
            var complete: Bool
            /// The `Content-Length` and `Expect` fields taken out of the head evhttp read.
            var framing: [HTTPHeaders.Field]
        }

        enum State {
            /// Waiting for a request head; `since` starts its deadline (`nil`: idle between requests).
            case head(since: ContinuousClock.Instant?, held: [UInt8])
            /// evhttp reads the body of an accepted head.
            case body(since: ContinuousClock.Instant, received: Int, chunks: ChunkedBodyScanner?)
            /// The loop reads a streamed body for the handler.
            case streaming(StreamedBody)
            /// The handler answered before its streamed body ended; the rest is dropped until the connection closes.
            case discarding
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
            /// Take them out and give these to the handler's streamed body; `complete` once it has all of it.
            case stream([UInt8], complete: Bool)
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
            case .streaming(var body):
                let take = min(body.remaining, bytes.count)
                body.remaining -= take
                body.received += bytes.count
                body.next += bytes[take...]
                guard body.attached else {
                    body.early += bytes[..<take]
                    state = .streaming(body)
                    return .hold
                }
                state = body.remaining == 0 ? .handling(held: body.next) : .streaming(body)
                return .stream(Array(bytes[..<take]), complete: body.remaining == 0)
            case .handling(let held):
                state = .handling(held: held + bytes)
                return .hold
            case .rejected, .discarding:
                return .discard
            }
        }

        /// The loop takes the streamed body for the handler; `nil` when the request's body does not stream.
        mutating func attachBody() -> BodyStart? {
            guard case .streaming(var body) = state, !body.attached else { return nil }
            body.attached = true
            let start = BodyStart(early: body.early, complete: body.remaining == 0, framing: body.framing)
            body.early = []
            state = body.remaining == 0 ? .handling(held: body.next) : .streaming(body)
            return start
        }

        /// Whether a streamed body is still arriving.
        var isStreaming: Bool {
            if case .streaming = state { return true }
            return false
        }

        /// The handler answered before its streamed body ended: the rest of the body is dropped.
        mutating func abandonBody() {
            guard isStreaming else { return }
            state = .discarding
        }

        /// evhttp has read the whole request and handed it to the loop.
        mutating func requestDelivered() {
            switch state {
            case .rejected, .streaming: return
            default: state = .handling(held: [])
            }
        }

        /// The response was sent; `buffered` is what evhttp left unread in the input buffer (a pipelined request).
        mutating func requestCompleted(buffered: [UInt8], at now: ContinuousClock.Instant) -> InputAction {
            var held = buffered
            if case .handling(let waiting) = state { held += waiting }
            guard !held.isEmpty else {
                if case .rejected = state { return .discard }
                if case .discarding = state { return .discard }
                state = .head(since: nil, held: [])
                return .hold
            }
            if case .rejected = state { return .discard }
            if case .discarding = state { return .discard }
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
                return tooSlow(since: since, received: received, at: now) ? .close : .none
            case .streaming(let body):
                return tooSlow(since: body.since, received: body.received, at: now) ? .close : .none
            case .head(nil, _), .handling, .rejected, .discarding:
                return .none
            }
        }

        /// Whether a body that started at `since` arrives below the minimum rate, once past the header timeout.
        private func tooSlow(since: ContinuousClock.Instant, received: Int, at now: ContinuousClock.Instant) -> Bool {
            let elapsed = now - since
            guard elapsed >= limits.headerTimeout else { return false }
            let (seconds, attoseconds) = elapsed.components
            let floor = (Double(seconds) + Double(attoseconds) / 1e18) * Double(limits.minBodyBytesPerSecond)
            return Double(received) < floor
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
            switch RequestHeadCheck.check(
                held[..<end], maxBodyBytes: limits.maxBodyBytes, streamedRoutes: limits.streamedRoutes)
            {
            case .failure(let error):
                return reject(error)
            case .success(let framing) where framing.streamed:
                let (head, removed) = RequestHeadCheck.withoutBodyFraming(held[..<end])
                let body = held[end...]
                let length = framing.contentLength ?? 0
                var streamed = StreamedBody(
                    since: now, received: body.count, remaining: length, early: Array(body.prefix(length)),
                    framing: removed)
                streamed.remaining -= streamed.early.count
                streamed.next = Array(body.dropFirst(length))
                state = .streaming(streamed)
                return .release(head)
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
