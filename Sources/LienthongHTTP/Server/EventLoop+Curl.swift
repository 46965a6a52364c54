internal import CLienthongShims
private import Foundation

// Each loop drives libcurl multi handles (`CurlMulti`, one per client, so that each client keeps its own connections
// as it did with a multi handle of its own) with its own `event_base`: an upstream request made by a handler runs on
// the loop thread that read the incoming request, and its waiter is resumed there. A task on no
// loop (startup, background work, tools) makes its requests on the one auxiliary loop, reached through that loop's
// job queue like any other work handed to a loop.
extension EventLoop {
    /// The loop the calling thread runs, or `nil` on any other thread.
    static var current: EventLoop? {
        lt_current_loop().map { Unmanaged<EventLoop>.fromOpaque($0).takeUnretainedValue() }
    }

    /// The loop for the transfers of tasks that run on no loop: one per process, started on first use, never
    /// stopped. It has no listener; it only runs tasks and drives its multi handle.
    static let auxiliary: EventLoop = {
        HTTPServerRuntime.prepare()
        let configuration = HTTPServerConfiguration()
        let loop = EventLoop(
            index: -1, settings: HTTPServer.loopSettings(configuration), tls: nil,
            addresses: AddressLimiter(limit: 1), handler: UnusedHandler())
        // Jobs queued before the thread is up wait in the inbox; setUp schedules them.
        Thread {
            lt_name_current_thread("lienthong-aux")
            loop.threadMain(.none) { _ in }
        }.start()
        return loop
    }()

    /// The multi handle of client `client` on this loop, made on first use (loop thread only).
    func curl(_ client: UInt64) -> CurlMulti {
        if let multi = curlMultis[client] { return multi }
        let multi = CurlMulti(base: base!)
        curlMultis[client] = multi
        return multi
    }

    /// Fails the transfers of client `client` on this loop and closes its connections (loop thread only).
    func closeCurl(_ client: UInt64) {
        curlMultis.removeValue(forKey: client)?.stop(because: "the client was shut down")
    }

    /// Runs `action` on the loop thread: at once when the caller is there, else through the job queue; dropped
    /// when the loop has stopped (its transfers ended then).
    func post(_ action: @escaping @Sendable (EventLoop) -> Void) {
        if isLoopThread {
            action(self)
            return
        }
        Task(executorPreference: self) {
            guard self.isLoopThread else { return }
            action(self)
        }
    }
}

/// The auxiliary loop serves no HTTP; its handler is never called.
private struct UnusedHandler: HTTPHandler {
    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        ProblemDocument.response(status: 503)
    }
}
