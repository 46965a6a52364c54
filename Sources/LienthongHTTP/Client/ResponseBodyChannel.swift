import Synchronization

/// Hands a streamed response from the transfer thread to the task reading it, holding at most about
/// `capacity` bytes: when that much is waiting, ``offer(_:)`` refuses and the transfer pauses until the reader
/// has taken it (then `resume` asks the loop driving the transfer to continue it).
final class ResponseBodyChannel: Sendable {
    private enum Ending {
        case open
        case finished
        case failed(HTTPClientError)
    }

    private struct State {
        var head: Result<HTTPClientResponse, HTTPClientError>?
        var headWaiter: CheckedContinuation<Result<HTTPClientResponse, HTTPClientError>, Never>?
        var buffered: [UInt8] = []
        var paused = false
        var ending = Ending.open
        var bodyWaiter: CheckedContinuation<Result<[UInt8]?, HTTPClientError>, Never>?
    }

    private let capacity: Int
    private let resume: @Sendable () -> Void
    private let state = Mutex(State())

    /// - Parameters:
    ///   - capacity: the bytes held before the transfer pauses.
    ///   - resume: called (from the reader's task) when a paused transfer may continue.
    init(capacity: Int, resume: @escaping @Sendable () -> Void) {
        self.capacity = capacity
        self.resume = resume
    }

    // MARK: Transfer side (the loop driving it)

    /// The status and headers have arrived (only the first call counts).
    func deliverHead(_ head: HTTPClientResponse) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<HTTPClientResponse, HTTPClientError>, Never>? in
            guard state.head == nil else { return nil }
            state.head = .success(head)
            defer { state.headWaiter = nil }
            return state.headWaiter
        }
        waiter?.resume(returning: .success(head))
    }

    /// Takes `bytes` unless enough is already waiting; `false` means "pause the transfer".
    func offer(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let handOver = state.withLock { state -> CheckedContinuation<Result<[UInt8]?, HTTPClientError>, Never>?? in
            if let waiter = state.bodyWaiter {
                state.bodyWaiter = nil
                return .some(waiter)
            }
            guard state.buffered.count < capacity else {
                state.paused = true
                return nil
            }
            state.buffered.append(contentsOf: bytes)
            return .some(nil)
        }
        switch handOver {
        case nil: return false
        case .some(let waiter?): waiter.resume(returning: .success(Array(bytes)))
        case .some(nil): break
        }
        return true
    }

    /// The body is complete.
    func finish() {
        end(.finished)
    }

    /// The transfer failed (before or after the head).
    func fail(_ error: HTTPClientError) {
        end(.failed(error))
    }

    private func end(_ ending: Ending) {
        let (headWaiter, bodyWaiter, head) = state.withLock { state in
            if case .open = state.ending { state.ending = ending }
            var head: Result<HTTPClientResponse, HTTPClientError>?
            if state.head == nil, case .failed(let error) = ending {
                state.head = .failure(error)
                head = state.head
            }
            defer {
                state.headWaiter = nil
                state.bodyWaiter = nil
            }
            return (head == nil ? nil : state.headWaiter, state.bodyWaiter, head)
        }
        if let head { headWaiter?.resume(returning: head) }
        if let bodyWaiter {
            switch ending {
            case .failed(let error): bodyWaiter.resume(returning: .failure(error))
            default: bodyWaiter.resume(returning: .success(nil))
            }
        }
    }

    // MARK: Reader

    /// Waits for the status and headers.
    func head() async -> Result<HTTPClientResponse, HTTPClientError> {
        await withCheckedContinuation { (waiter: CheckedContinuation<Result<HTTPClientResponse, HTTPClientError>, Never>) in
            let ready = state.withLock { state -> Result<HTTPClientResponse, HTTPClientError>? in
                if let head = state.head { return head }
                state.headWaiter = waiter
                return nil
            }
            if let ready { waiter.resume(returning: ready) }
        }
    }

    /// The bytes received since the last call (waiting for some), or `nil` at the end of the body.
    func next() async -> Result<[UInt8]?, HTTPClientError> {
        await withCheckedContinuation { (waiter: CheckedContinuation<Result<[UInt8]?, HTTPClientError>, Never>) in
            let (ready, unpause) = state.withLock { state -> (Result<[UInt8]?, HTTPClientError>?, Bool) in
                if !state.buffered.isEmpty {
                    var taken: [UInt8] = []
                    swap(&taken, &state.buffered)
                    defer { state.paused = false }
                    return (.success(taken), state.paused)
                }
                switch state.ending {
                case .finished: return (.success(nil), false)
                case .failed(let error): return (.failure(error), false)
                case .open:
                    state.bodyWaiter = waiter
                    return (nil, false)
                }
            }
            // Outside the lock: the loop may deliver the held bytes from within curl_easy_pause, calling offer().
            if unpause { resume() }
            if let ready { waiter.resume(returning: ready) }
        }
    }
}
