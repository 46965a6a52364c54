internal import CEvent

// The handler of each request runs as a task whose executor is the loop that read the request: from parse to
// response the request stays on one thread, unless its own work moves it (the audit writer, libcurl, a blocking
// pool), and it comes back through the loop's job queue.
extension EventLoop {
    /// Starts the handler of request `id`, or holds it until ``HTTPServer/run()`` says to serve.
    func startHandler(_ id: UInt64, _ request: HTTPRequest) {
        guard serving else {
            held.append((id, request))
            return
        }
        let handler = self.handler
        handlers[id] = Task(executorPreference: self) { [self] in
            let response = await handler.handle(request)
            // Nonisolated code of a task with this preference runs on the loop; only a loop that has stopped sends
            // it elsewhere, and then its client is gone.
            guard isLoopThread else { return }
            // A streamed body the handler did not read to its end is dropped, and the connection closes.
            if let evhttpRequest = pending[id] { abandonBody(of: evhttpRequest) }
            if let producer = response.bodyProducer {
                startStream(id, head: response)
                let end = await producer(HTTPBodyWriter { bytes in await self.write(id, bytes) })
                guard isLoopThread else { return }
                endStream(id, end)
            } else if let evhttpRequest = pending.removeValue(forKey: id) {
                reply(evhttpRequest, with: response, close: draining, fromHandler: true)
            }
            handlerFinished(id)
        }
    }

    /// Starts the handlers of the requests that arrived before ``HTTPServer/run()``.
    func startServing() {
        guard !serving else { return }
        serving = true
        let waiting = held
        held = []
        for (id, request) in waiting { startHandler(id, request) }
    }

    /// Resumes `waiter` once no handler of this loop runs (at once if none does).
    func notifyWhenIdle(_ waiter: CheckedContinuation<Void, Never>) {
        if handlers.isEmpty && held.isEmpty {
            waiter.resume()
        } else {
            idleWaiters.append(waiter)
        }
    }

    /// Cancels every running handler (the grace period ran out); each still answers, as cancelled code does.
    func cancelHandlers() {
        for task in handlers.values { task.cancel() }
        // Held requests never started: they get the 503 of abandoned requests when the loop stops.
        held = []
        resumeIdleWaitersIfIdle()
    }

    private func handlerFinished(_ id: UInt64) {
        handlers[id] = nil
        resumeIdleWaitersIfIdle()
    }

    private func resumeIdleWaitersIfIdle() {
        guard handlers.isEmpty, held.isEmpty, !idleWaiters.isEmpty else { return }
        let waiters = idleWaiters
        idleWaiters = []
        for waiter in waiters { waiter.resume() }
    }
}
