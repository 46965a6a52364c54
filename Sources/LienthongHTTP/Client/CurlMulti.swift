internal import CCurl
internal import CEvent
internal import CLienthongShims
private import Glibc

/// One libcurl multi handle driven by an event loop's `event_base`: libcurl says which sockets to watch and when
/// to time out (`CURLMOPT_SOCKETFUNCTION`, `CURLMOPT_TIMERFUNCTION`), libevent reports readiness, and
/// `curl_multi_socket_action` moves the transfers on. Finished transfers resume their waiters from the loop thread.
///
/// Used only on its loop's thread. Each ``HTTPClient`` has one per loop it used; the handle's connection cache gives
/// keep-alive reuse across that client's requests on that loop.
final class CurlMulti {
    private let multi: UnsafeMutableRawPointer
    private let base: OpaquePointer
    private var timer: OpaquePointer?
    /// The `event` watching each socket libcurl asked for.
    private var watched: [Int32: OpaquePointer] = [:]
    /// Running transfers by id.
    private var running: [UInt64: CurlTransfer] = [:]
    private var stopped = false

    init(base: OpaquePointer) {
        CurlRuntime.prepare()
        multi = curl_multi_init()!
        self.base = base
        let context = Unmanaged.passUnretained(self).toOpaque()
        timer = event_new(base, -1, 0, curlMultiTimerFired, context)
        _ = lt_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 64)
        _ = lt_curl_multi_setopt_socket_function(multi, curlMultiWatch)
        _ = lt_curl_multi_setopt_pointer(multi, CURLMOPT_SOCKETDATA, context)
        _ = lt_curl_multi_setopt_timer_function(multi, curlMultiArmTimer)
        _ = lt_curl_multi_setopt_pointer(multi, CURLMOPT_TIMERDATA, context)
    }

    /// Starts `transfer`; it finishes (its waiter resumed) once, from this loop, whatever happens.
    func add(_ transfer: CurlTransfer, tls: TLSClientConfiguration) {
        guard !stopped else {
            transfer.finish(.failure(HTTPClientError(code: .cancelled, detail: "the event loop stopped")))
            return
        }
        do throws(HTTPClientError) {
            let easy = try transfer.makeEasyHandle(tls: tls)
            running[transfer.id] = transfer
            // libcurl only arms a zero timeout here; the connection starts when that timer fires.
            curl_multi_add_handle(multi, easy)
        } catch {
            transfer.finish(.failure(error))
        }
    }

    /// Aborts transfer `id` (its waiter gets `cancelled`); nothing if it already ended.
    func cancel(_ id: UInt64) {
        guard let transfer = running[id] else { return }
        remove(transfer)
        transfer.finish(.failure(HTTPClientError(code: .cancelled, detail: "the request was cancelled")))
    }

    /// Lets paused transfer `id` continue; libcurl may hand over the bytes it held at once.
    func unpause(_ id: UInt64) {
        guard let easy = running[id]?.easy else { return }
        curl_easy_pause(easy, CURLPAUSE_RECV_CONT)
    }

    /// Fails the running transfers with `cancelled` and frees the handle, its connections and its events (before
    /// the base goes).
    func stop(because reason: String) {
        guard !stopped else { return }
        stopped = true
        for transfer in Array(running.values) {
            remove(transfer)
            transfer.finish(.failure(HTTPClientError(code: .cancelled, detail: reason)))
        }
        curl_multi_cleanup(multi)
        for event in watched.values { event_free(event) }
        watched = [:]
        if let timer { event_free(timer) }
        timer = nil
    }

    // MARK: libcurl and libevent callbacks

    /// libcurl wants `socket` watched for `what` (`CURL_POLL_*`), or no longer.
    fileprivate func watch(_ socket: Int32, what: Int32) {
        let existing = watched[socket]
        if let existing { event_del(existing) }
        guard what != CURL_POLL_REMOVE else {
            if let existing { event_free(existing) }
            watched[socket] = nil
            return
        }
        var flags = Int16(EV_PERSIST)
        if what & CURL_POLL_IN != 0 { flags |= Int16(EV_READ) }
        if what & CURL_POLL_OUT != 0 { flags |= Int16(EV_WRITE) }
        let context = Unmanaged.passUnretained(self).toOpaque()
        if let existing {
            event_assign(existing, base, socket, flags, curlMultiSocketReady, context)
            event_add(existing, nil)
        } else if let event = event_new(base, socket, flags, curlMultiSocketReady, context) {
            watched[socket] = event
            event_add(event, nil)
        }
    }

    /// libcurl wants to be called after `milliseconds` (at once for 0), or not at all (-1).
    fileprivate func armTimer(_ milliseconds: Int) {
        guard let timer else { return }
        if milliseconds < 0 {
            event_del(timer)
            return
        }
        var delay = timeval(tv_sec: milliseconds / 1000, tv_usec: (milliseconds % 1000) * 1000)
        event_add(timer, &delay)
    }

    /// Lets libcurl act on `socket` (or on its timeouts) and finishes the transfers it reports done.
    fileprivate func drive(_ socket: Int32, _ flags: Int32) {
        guard !stopped else { return }
        var active: Int32 = 0
        curl_multi_socket_action(multi, socket, flags, &active)
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            var pointer: UnsafeMutableRawPointer?
            _ = lt_curl_easy_getinfo_pointer(easy, CURLINFO_PRIVATE, &pointer)
            guard let pointer else { continue }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(pointer).takeUnretainedValue()
            // The message is libcurl's until the handle is removed: read it first.
            let result = transfer.result(code: lt_curl_msg_result(message), easy: easy)
            remove(transfer)
            transfer.finish(result)
        }
    }

    private func remove(_ transfer: CurlTransfer) {
        running[transfer.id] = nil
        guard let easy = transfer.easy else { return }
        curl_multi_remove_handle(multi, easy)
        curl_easy_cleanup(easy)
        transfer.release()
    }
}

private func curlMulti(_ context: UnsafeMutableRawPointer?) -> CurlMulti {
    Unmanaged<CurlMulti>.fromOpaque(context!).takeUnretainedValue()
}

private let curlMultiWatch: @convention(c) (
    UnsafeMutableRawPointer?, curl_socket_t, Int32, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?
) -> Int32 = { _, socket, what, context, _ in
    curlMulti(context).watch(socket, what: what)
    return 0
}

private let curlMultiArmTimer: @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Int32 = {
    _, milliseconds, context in
    curlMulti(context).armTimer(milliseconds)
    return 0
}

private let curlMultiSocketReady: @convention(c) (Int32, Int16, UnsafeMutableRawPointer?) -> Void = {
    socket, events, context in
    var flags: Int32 = 0
    if events & Int16(EV_READ) != 0 { flags |= CURL_CSELECT_IN }
    if events & Int16(EV_WRITE) != 0 { flags |= CURL_CSELECT_OUT }
    curlMulti(context).drive(socket, flags)
}

private let curlMultiTimerFired: @convention(c) (Int32, Int16, UnsafeMutableRawPointer?) -> Void = { _, _, context in
    curlMulti(context).drive(CURL_SOCKET_TIMEOUT, 0)
}

/// Process-wide libcurl setup.
enum CurlRuntime {
    private static let prepared: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        return true
    }()

    /// Runs `curl_global_init` once.
    static func prepare() {
        _ = prepared
    }
}
