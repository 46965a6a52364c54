internal import CCurl
internal import CLienthongShims
internal import LienthongCore

/// One libcurl transfer: its easy handle options, the response being received, and where it goes: a
/// continuation resumed once with the whole response, or a ``ResponseBodyChannel`` fed as the body arrives.
/// Created by the caller on an event loop's thread and used only there (hence unchecked); see ``CurlMulti``.
final class CurlTransfer: @unchecked Sendable {
    /// Where the response goes.
    enum Delivery {
        /// The whole response at the end, body included.
        case buffered(CheckedContinuation<Result<HTTPClientResponse, HTTPClientError>, Never>)
        /// The head once it arrived, then the body chunk by chunk through the channel.
        case streamed(ResponseBodyChannel)
    }

    /// The receive buffer of a streamed transfer: the most libcurl hands over (and holds while paused) at once.
    static let streamedBufferBytes = 64 * 1024

    let id: UInt64
    private let request: HTTPClientRequest
    fileprivate var delivery: Delivery?
    /// The easy handle, once made.
    private(set) var easy: UnsafeMutableRawPointer?
    /// Whether a streamed transfer has handed its head to the channel.
    fileprivate var headDelivered = false
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// libcurl writes its error text here during the transfer, so the memory must not move.
    private let errorBuffer: UnsafeMutablePointer<CChar> = {
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        buffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        return buffer
    }()
    private var unmanaged: Unmanaged<CurlTransfer>?
    /// Body bytes received so far (buffered transfers).
    fileprivate var body: [UInt8] = []
    /// Body bytes accepted so far, for the size limit.
    fileprivate var received = 0
    /// Set when the body outgrew the limit and the write callback aborted the transfer.
    fileprivate var tooLarge = false
    /// Set when the prerequisite callback found the server's certificate outside the request's pins.
    fileprivate var notPinned: String?
    fileprivate var limit: Int { request.maxResponseBytes }
    fileprivate var pinned: Set<[UInt8]>? { request.pinnedCertificates }
    /// The piece of an upload body libcurl has not taken yet, and how much of it it took.
    fileprivate var pending: [UInt8] = []
    fileprivate var pendingOffset = 0
    /// Set when the upload body's source failed and the read callback aborted the transfer.
    fileprivate var uploadFailed = false
    fileprivate var upload: HTTPUploadBody? { request.upload }

    init(id: UInt64, request: HTTPClientRequest, delivery: Delivery) {
        self.id = id
        self.request = request
        self.delivery = delivery
    }

    deinit {
        errorBuffer.deallocate()
    }

    /// Resumes the waiting task, or ends the channel (only the first call has an effect).
    func finish(_ result: Result<HTTPClientResponse, HTTPClientError>) {
        switch delivery {
        case .buffered(let continuation)?:
            continuation.resume(returning: result)
        case .streamed(let channel)?:
            switch result {
            case .success(let head):
                channel.deliverHead(head)
                channel.finish()
            case .failure(let error):
                channel.fail(error)
            }
        case nil:
            break
        }
        delivery = nil
    }

    /// Frees what the easy handle referenced; call after the handle is cleaned up or removed.
    func release() {
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
        unmanaged?.release()
        unmanaged = nil
    }

    /// Creates and configures the easy handle.
    func makeEasyHandle(tls: TLSClientConfiguration) throws(HTTPClientError) -> UnsafeMutableRawPointer {
        guard let easy = curl_easy_init() else {
            throw HTTPClientError(code: .failed, detail: "curl_easy_init failed")
        }
        var failed = false
        func set(_ code: CURLcode) { if code != CURLE_OK { failed = true } }
        self.easy = easy
        let retained = Unmanaged.passRetained(self)
        unmanaged = retained
        let context = retained.toOpaque()

        set(lt_curl_easy_setopt_string(easy, CURLOPT_URL, request.url))
        set(lt_curl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(lt_curl_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1))
        set(lt_curl_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(request.connectTimeout)))
        set(lt_curl_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.totalTimeout)))
        set(lt_curl_easy_setopt_offset(easy, CURLOPT_MAXFILESIZE_LARGE, curl_off_t(request.maxResponseBytes)))
        set(lt_curl_easy_setopt_callback(easy, CURLOPT_WRITEFUNCTION, curlTransferWrite))
        set(lt_curl_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, context))
        set(lt_curl_easy_setopt_pointer(easy, CURLOPT_PRIVATE, context))
        set(lt_curl_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        set(lt_curl_easy_setopt_long(easy, CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2)))
        set(lt_curl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1))
        set(lt_curl_easy_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2))
        if let ca = tls.caFilePath { set(lt_curl_easy_setopt_string(easy, CURLOPT_CAINFO, ca)) }
        if let certificate = tls.certificatePath {
            set(lt_curl_easy_setopt_string(easy, CURLOPT_SSLCERT, certificate))
        }
        if let key = tls.privateKeyPath { set(lt_curl_easy_setopt_string(easy, CURLOPT_SSLKEY, key)) }
        if request.pinnedCertificates != nil {
            set(lt_curl_easy_setopt_prereq(easy, curlTransferPrerequisite))
            set(lt_curl_easy_setopt_pointer(easy, CURLOPT_PREREQDATA, context))
        }
        if case .streamed? = delivery {
            set(lt_curl_easy_setopt_long(easy, CURLOPT_BUFFERSIZE, Self.streamedBufferBytes))
        }

        switch request.method {
        case .get:
            set(lt_curl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1))
        case .head:
            set(lt_curl_easy_setopt_long(easy, CURLOPT_NOBODY, 1))
        default:
            if let upload = request.upload {
                set(lt_curl_easy_setopt_long(easy, CURLOPT_POST, 1))
                set(lt_curl_easy_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(upload.length)))
                set(lt_curl_easy_setopt_callback(easy, CURLOPT_READFUNCTION, curlTransferRead))
                set(lt_curl_easy_setopt_pointer(easy, CURLOPT_READDATA, context))
            } else if !request.body.isEmpty || request.method == .post || request.method == .put
                || request.method == .patch
            {
                // COPYPOSTFIELDS copies `size` bytes, so the body need not outlive this call.
                set(lt_curl_easy_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)))
                var bytes = request.body.isEmpty ? [0] : request.body
                bytes.withUnsafeMutableBytes { buffer in
                    set(lt_curl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, buffer.baseAddress))
                }
            }
            if request.method != .post {
                set(lt_curl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method.rawValue))
            }
        }
        // No `Expect: 100-continue` round trip: bodies are small and the server answers limits anyway.
        var list = curl_slist_append(nil, "Expect:")
        for field in request.headers {
            guard !field.name.contains(where: { $0 == "\r" || $0 == "\n" || $0 == ":" }),
                !field.value.contains(where: { $0 == "\r" || $0 == "\n" })
            else {
                headerList = list
                curl_easy_cleanup(easy)
                self.easy = nil
                release()
                throw HTTPClientError(code: .invalidRequest, detail: "header \(field.name.debugDescription) is invalid")
            }
            list = curl_slist_append(list, "\(field.name): \(field.value)")
        }
        headerList = list
        set(lt_curl_easy_setopt_pointer(easy, CURLOPT_HTTPHEADER, UnsafeMutableRawPointer(list)))
        if failed {
            curl_easy_cleanup(easy)
            self.easy = nil
            release()
            // Not the URL: its path may hold the key asked for, and this detail reaches the error log.
            throw HTTPClientError(code: .invalidRequest, detail: "libcurl rejected an option of the request")
        }
        return easy
    }

    /// The outcome once libcurl reports the transfer done.
    func result(code: CURLcode, easy: UnsafeMutableRawPointer) -> Result<HTTPClientResponse, HTTPClientError> {
        if tooLarge || code == CURLE_FILESIZE_EXCEEDED {
            return .failure(HTTPClientError(
                code: .responseTooLarge, detail: "response body exceeds \(request.maxResponseBytes) bytes"))
        }
        if let notPinned {
            return .failure(HTTPClientError(code: .certificateNotPinned, detail: notPinned))
        }
        if uploadFailed {
            return .failure(HTTPClientError(code: .failed, detail: "the request body could not be read"))
        }
        guard code == CURLE_OK else {
            let message = String(cString: errorBuffer)
            let detail = message.isEmpty ? String(cString: curl_easy_strerror(code)) : message
            return .failure(HTTPClientError(code: Self.errorCode(code), detail: detail))
        }
        var response = Self.head(easy)
        response.body = body
        return .success(response)
    }

    /// The status and header fields of the response received so far (no body).
    fileprivate static func head(_ easy: UnsafeMutableRawPointer) -> HTTPClientResponse {
        var status = 0
        _ = lt_curl_easy_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status)
        var fields: [HTTPHeaders.Field] = []
        var previous: UnsafeMutablePointer<curl_header>?
        while let header = curl_easy_nextheader(easy, UInt32(CURLH_HEADER), -1, previous) {
            fields.append(.init(name: String(cString: header.pointee.name), value: String(cString: header.pointee.value)))
            previous = header
        }
        return HTTPClientResponse(status: status, headers: HTTPHeaders(fields))
    }

    private static func errorCode(_ code: CURLcode) -> HTTPClientError.Code {
        switch code {
        case CURLE_OPERATION_TIMEDOUT: .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY, CURLE_RECV_ERROR,
            CURLE_SEND_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE:
            .connectionFailed
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_CRL_BADFILE, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_ENGINE_NOTFOUND, CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED,
            CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_SSL_INVALIDCERTSTATUS, CURLE_USE_SSL_FAILED:
            .tls
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT: .invalidRequest
        default: .failed
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        return max(1, duration.wholeMilliseconds)
    }
}

/// Refuses to send the request on a connection whose server certificate is not pinned (new or reused connection).
private let curlTransferPrerequisite: @convention(c) (
    UnsafeMutableRawPointer?, UnsafeMutablePointer<CChar>?, UnsafeMutablePointer<CChar>?, Int32, Int32
) -> Int32 = { context, _, _, _, _ in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
    guard let pins = transfer.pinned, let easy = transfer.easy else { return CURL_PREREQFUNC_OK }
    var digest = [UInt8](repeating: 0, count: 32)
    guard lt_curl_peer_certificate_sha256(easy, &digest) == 0 else {
        transfer.notPinned = "the connection has no server certificate to check"
        return CURL_PREREQFUNC_ABORT
    }
    guard pins.contains(digest) else {
        transfer.notPinned = "the server certificate is not among the \(pins.count) pinned"
        return CURL_PREREQFUNC_ABORT
    }
    return CURL_PREREQFUNC_OK
}

private let curlTransferWrite: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
    data, size, count, context in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
    let length = size * count
    guard transfer.received + length <= transfer.limit else {
        // Returning a short count makes libcurl abort with CURLE_WRITE_ERROR; nothing more is buffered.
        transfer.tooLarge = true
        return 0
    }
    guard let data, length > 0 else { return length }
    let bytes = data.withMemoryRebound(to: UInt8.self, capacity: length) { UnsafeBufferPointer(start: $0, count: length) }
    if case .streamed(let channel)? = transfer.delivery {
        if !transfer.headDelivered, let easy = transfer.easy {
            transfer.headDelivered = true
            channel.deliverHead(CurlTransfer.head(easy))
        }
        // libcurl keeps a refused chunk and hands it over again after curl_easy_pause(CURLPAUSE_CONT).
        guard channel.offer(bytes) else { return Int(CURL_WRITEFUNC_PAUSE) }
    } else {
        transfer.body.append(contentsOf: bytes)
    }
    transfer.received += length
    return length
}

/// libcurl's read and write callbacks: (buffer, size, count, the transfer) to the bytes taken or given.
private typealias CurlDataCallback = @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?)
    -> Int

private let curlTransferRead: CurlDataCallback = { buffer, size, count, context in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
    guard let buffer, let upload = transfer.upload else { return Int(CURL_READFUNC_ABORT) }
    if transfer.pendingOffset == transfer.pending.count {
        do {
            transfer.pending = try upload.next()
        } catch {
            transfer.uploadFailed = true
            return Int(CURL_READFUNC_ABORT)
        }
        transfer.pendingOffset = 0
        // Empty: the end of the body.
        if transfer.pending.isEmpty { return 0 }
    }
    let length = min(size * count, transfer.pending.count - transfer.pendingOffset)
    transfer.pending.withUnsafeBytes { bytes in
        UnsafeMutableRawPointer(buffer).copyMemory(
            from: bytes.baseAddress! + transfer.pendingOffset, byteCount: length)
    }
    transfer.pendingOffset += length
    return length
}
