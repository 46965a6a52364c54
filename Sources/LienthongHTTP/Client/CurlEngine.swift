internal import CCurl
internal import CLienthongShims
import Synchronization
private import Foundation

/// One libcurl multi handle driven by a dedicated thread.
///
/// Swift tasks hand transfers over through a locked inbox and `curl_multi_wakeup`; the thread adds them,
/// drives them with `curl_multi_poll`, and resumes each continuation once. The multi handle's connection
/// cache gives keep-alive reuse across requests of one client.
final class CurlEngine: @unchecked Sendable {
    private struct Inbox {
        var added: [CurlTransfer] = []
        var cancelled: [UInt64] = []
        var resumed: [UInt64] = []
        var stopping = false
        var stopped = false
    }

    private let multi: UnsafeMutableRawPointer
    private let tls: TLSClientConfiguration
    private let inbox = Mutex(Inbox())
    private let nextID = Atomic<UInt64>(0)
    /// Loop-thread state: running transfers by easy handle.
    private var running: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    init(tls: TLSClientConfiguration) {
        CurlRuntime.prepare()
        multi = curl_multi_init()!
        self.tls = tls
        _ = lt_curl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, 64)
        let thread = Thread { [self] in self.threadMain() }
        thread.name = "lienthong-http-client"
        thread.start()
    }

    /// Performs `request`; cancellation of the calling task aborts the transfer.
    func perform(_ request: HTTPClientRequest) async throws(HTTPClientError) -> HTTPClientResponse {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPClientResponse, HTTPClientError>, Never>) in
                add(CurlTransfer(id: id, request: request, delivery: .buffered(continuation)))
            }
        } onCancel: {
            cancel(id)
        }
        return try result.get()
    }

    /// Starts `request` and returns once its head arrived; the body follows through the stream, at most about
    /// `bufferBytes` held in memory (the transfer pauses while the reader lags).
    func open(_ request: HTTPClientRequest, bufferBytes: Int) async throws(HTTPClientError) -> HTTPClientStream {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let channel = ResponseBodyChannel(capacity: bufferBytes) { [self] in resume(id) }
        add(CurlTransfer(id: id, request: request, delivery: .streamed(channel)))
        let head = await withTaskCancellationHandler {
            await channel.head()
        } onCancel: {
            cancel(id)
        }
        switch head {
        case .success(let response):
            return HTTPClientStream(head: response, channel: channel) { [self] in cancel(id) }
        case .failure(let error):
            throw error
        }
    }

    private func add(_ transfer: CurlTransfer) {
        let accepted = inbox.withLock { inbox -> Bool in
            guard !inbox.stopping else { return false }
            inbox.added.append(transfer)
            return true
        }
        if accepted {
            curl_multi_wakeup(multi)
        } else {
            transfer.finish(.failure(HTTPClientError(code: .cancelled, detail: "the client was shut down")))
        }
    }

    /// Aborts transfer `id` (its waiter gets `cancelled`); nothing if it already ended.
    func cancel(_ id: UInt64) {
        let wake = inbox.withLock { inbox -> Bool in
            guard !inbox.stopped else { return false }
            inbox.cancelled.append(id)
            return true
        }
        if wake { curl_multi_wakeup(multi) }
    }

    /// Lets paused transfer `id` continue.
    private func resume(_ id: UInt64) {
        let wake = inbox.withLock { inbox -> Bool in
            guard !inbox.stopped else { return false }
            inbox.resumed.append(id)
            return true
        }
        if wake { curl_multi_wakeup(multi) }
    }

    /// Fails pending transfers with `cancelled` and ends the thread.
    func stop() {
        let wake = inbox.withLock { inbox -> Bool in
            guard !inbox.stopping else { return false }
            inbox.stopping = true
            return true
        }
        if wake { curl_multi_wakeup(multi) }
    }

    private func threadMain() {
        while true {
            let (added, cancelled, resumed, stopping) = inbox.withLock { inbox in
                defer {
                    inbox.added = []
                    inbox.cancelled = []
                    inbox.resumed = []
                }
                return (inbox.added, inbox.cancelled, inbox.resumed, inbox.stopping)
            }
            for transfer in added {
                do throws(HTTPClientError) {
                    let easy = try transfer.makeEasyHandle(tls: tls)
                    running[easy] = transfer
                    curl_multi_add_handle(multi, easy)
                } catch {
                    transfer.finish(.failure(error))
                }
            }
            for id in cancelled {
                guard let (easy, transfer) = running.first(where: { $0.value.id == id }) else { continue }
                remove(easy)
                transfer.finish(.failure(HTTPClientError(code: .cancelled, detail: "the request was cancelled")))
            }
            for id in resumed {
                guard let easy = running.first(where: { $0.value.id == id })?.key else { continue }
                // May call the write callback at once with the bytes libcurl held while paused.
                curl_easy_pause(easy, CURLPAUSE_RECV_CONT)
            }
            if stopping {
                for (easy, transfer) in running {
                    remove(easy)
                    transfer.finish(.failure(HTTPClientError(code: .cancelled, detail: "the client was shut down")))
                }
                break
            }
            var active: Int32 = 0
            curl_multi_perform(multi, &active)
            var left: Int32 = 0
            while let message = curl_multi_info_read(multi, &left) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                    let transfer = running[easy]
                else { continue }
                let code = lt_curl_msg_result(message)
                let result = transfer.result(code: code, easy: easy)
                remove(easy)
                transfer.finish(result)
            }
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        // Late additions (raced with stop) are failed, then the multi handle goes.
        let late = inbox.withLock { inbox in
            inbox.stopped = true
            defer { inbox.added = [] }
            return inbox.added
        }
        for transfer in late {
            transfer.finish(.failure(HTTPClientError(code: .cancelled, detail: "the client was shut down")))
        }
        curl_multi_cleanup(multi)
    }

    private func remove(_ easy: UnsafeMutableRawPointer) {
        curl_multi_remove_handle(multi, easy)
        running[easy]?.release()
        running[easy] = nil
        curl_easy_cleanup(easy)
    }
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
