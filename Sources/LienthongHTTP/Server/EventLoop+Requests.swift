internal import CEvent
internal import CLienthongShims
private import Foundation

// Requests evhttp has read: checks, the start of their handlers, and the replies the loop writes.
extension EventLoop {
    func handle(_ request: OpaquePointer) {
        guard let connection = evhttp_request_get_connection(request),
            let bufferEvent = evhttp_connection_get_bufferevent(connection)
        else {
            reply(request, with: ProblemDocument.response(status: 400), close: true)
            return
        }
        let context = connections[bufferEvent]
        if let context {
            let pointer = Unmanaged.passUnretained(context).toOpaque()
            evhttp_request_set_on_complete_cb(request, requestCompletedCallback, pointer)
            context.inFlight += 1
            context.machine.requestDelivered()
            // What follows the request (a pipelined next one) waits with the machine until the response is sent.
            let input = bufferevent_get_input(bufferEvent)!
            let length = evbuffer_get_length(input)
            if length > 0 {
                var bytes = [UInt8](repeating: 0, count: length)
                _ = evbuffer_copyout(input, &bytes, length)
                apply(context.machine.received(bytes, at: .now), to: context, buffer: input, keeping: 0)
            }
            if let rejection = context.machine.rejection {
                // The stand-in for a refused head: answer the refusal, then linger so the client reads it.
                if context.lingeringSocket == nil {
                    context.lingeringSocket = LingeringSocket(loop: self, duplicating: bufferevent_getfd(bufferEvent))
                }
                reply(request, with: rejection.response, close: true)
                return
            }
        }
        let command = evhttp_request_get_command(request)
        guard let method = Self.method(command) else {
            if let context { abandonBody(context, request: request) }
            reply(request, with: ProblemDocument.response(status: 501), close: true)
            return
        }
        // evhttp reads a body only for POST, PUT and PATCH: any other method's announced body stays unread, so the
        // connection closes after the reply rather than parse that body as the next request.
        let unreadBody = ![HTTPMethod.post, .put, .patch].contains(method) && Self.announcesBody(request)
        if unreadBody { evhttp_add_header(evhttp_request_get_output_headers(request), "Connection", "close") }
        // CONNECT never gets here: the head check refuses it, since evhttp keeps its connection open.
        if method == .trace || method == .connect {
            if let context { abandonBody(context, request: request) }
            var response = ProblemDocument.response(status: 405)
            response.headers["Allow"] = ProblemDocument.allowedMethods
            reply(request, with: response, close: false)
            return
        }
        if draining {
            if let context { abandonBody(context, request: request) }
            reply(request, with: ProblemDocument.response(status: 503), close: true)
            return
        }
        let streamed = context.flatMap { attachBody($0) }
        var headers = Self.headers(of: request)
        for field in streamed?.framing ?? [] { headers.add(name: field.name, value: field.value) }
        let incoming = HTTPRequest(
            method: method,
            target: evhttp_request_get_uri(request).map { String(cString: $0) } ?? "/",
            headers: headers,
            body: streamed == nil ? Self.body(of: request) : [],
            bodyStream: streamed?.0,
            remoteAddress: Self.peer(of: connection).address,
            remotePort: Self.peer(of: connection).port,
            isTLS: tls != nil,
            clientCertificateChain: Self.verifiedChain(of: bufferEvent),
            clientCertificateRejected: Self.peerCertificateRejected(of: bufferEvent)
        )
        nextRequestID &+= 1
        let id = nextRequestID
        pending[id] = request
        startHandler(id, incoming)
    }

    /// The fields evhttp writes itself from the response it sends.
    private static let framingFields = ["Content-Length", "Transfer-Encoding", "Connection"]

    /// Copies the response's header fields onto the evhttp request; the server sets the framing ones itself.
    func addHeaders(of response: HTTPResponse, to request: OpaquePointer, close: Bool) {
        let headers = evhttp_request_get_output_headers(request)
        for field in response.headers where !Self.framingFields.contains(where: { HTTPHeaders.same($0, field.name) }) {
            evhttp_add_header(headers, field.name, field.value)
        }
        // Set already when the request left a body unread (`handle`).
        if close && evhttp_find_header(headers, "Connection") == nil {
            evhttp_add_header(headers, "Connection", "close")
        }
    }

    /// Sends `response`; `fromHandler` is false for the answers the server gives itself, which the observer counts.
    func reply(_ request: OpaquePointer, with response: HTTPResponse, close: Bool, fromHandler: Bool = false) {
        if !fromHandler { settings.observer?.answered(response.status) }
        addHeaders(of: response, to: request, close: close)
        let body = evbuffer_new()
        if evhttp_request_get_command(request) == EVHTTP_REQ_HEAD {
            // evhttp writes whatever body it is given, even after a HEAD, where the client reads none: the next
            // response on the connection would start inside it. HEAD announces the length a GET would send.
            evhttp_add_header(
                evhttp_request_get_output_headers(request), "Content-Length", String(response.body.count))
        } else if !response.body.isEmpty {
            evbuffer_add(body, response.body, response.body.count)
        }
        // Taken before the reply: evhttp may free the request once the response is queued.
        let output = tls == nil ? nil : Self.output(of: request)
        sendingOwnResponse = true
        evhttp_send_reply(request, Int32(response.status), ReasonPhrase.of(response.status), body)
        sendingOwnResponse = false
        evbuffer_free(body)
        // The head and the body are two chains of the output buffer, and OpenSSL's bufferevent makes one TLS record
        // and one `write` of each: joined, a response is one record, one system call and one TCP segment. Only what
        // fits one TLS record is joined: a larger output is several records anyway, and would be copied for nothing.
        if let output, evbuffer_get_length(output) <= Self.joinedOutputLimit { evbuffer_pullup(output, -1) }
    }

    /// The largest output joined into one chain before it is written: a TLS record's plaintext limit.
    private static let joinedOutputLimit = 16 * 1024

    /// The output buffer of the connection `request` came on, if it still has one.
    private static func output(of request: OpaquePointer) -> OpaquePointer? {
        guard let connection = evhttp_request_get_connection(request),
            let bufferEvent = evhttp_connection_get_bufferevent(connection)
        else { return nil }
        return bufferevent_get_output(bufferEvent)
    }

    // MARK: - Reading an evhttp request

    /// Whether the request's head announces a body (`Content-Length` above 0, or a `Transfer-Encoding`).
    private static func announcesBody(_ request: OpaquePointer) -> Bool {
        let headers = evhttp_request_get_input_headers(request)
        if evhttp_find_header(headers, "Transfer-Encoding") != nil { return true }
        guard let length = evhttp_find_header(headers, "Content-Length") else { return false }
        return String(cString: length) != "0"
    }

    /// The command evhttp gives every method it does not parse (`EVHTTP_REQ_UNKNOWN_`, not in its public header).
    static let unknownCommand = evhttp_cmd_type(rawValue: 1 << 15)

    private static func method(_ command: evhttp_cmd_type) -> HTTPMethod? {
        switch command {
        case EVHTTP_REQ_GET: .get
        case EVHTTP_REQ_POST: .post
        case EVHTTP_REQ_HEAD: .head
        case EVHTTP_REQ_PUT: .put
        case EVHTTP_REQ_DELETE: .delete
        case EVHTTP_REQ_OPTIONS: .options
        case EVHTTP_REQ_TRACE: .trace
        case EVHTTP_REQ_CONNECT: .connect
        case EVHTTP_REQ_PATCH: .patch
        case unknownCommand: .unrecognised
        default: nil
        }
    }

    private static func headers(of request: OpaquePointer) -> HTTPHeaders {
        var fields: [HTTPHeaders.Field] = []
        var entry = evhttp_request_get_input_headers(request)?.pointee.tqh_first
        while let current = entry {
            if let key = current.pointee.key, let value = current.pointee.value {
                fields.append(.init(name: String(cString: key), value: String(cString: value)))
            }
            entry = current.pointee.next.tqe_next
        }
        return HTTPHeaders(fields)
    }

    private static func body(of request: OpaquePointer) -> [UInt8] {
        guard let input = evhttp_request_get_input_buffer(request) else { return [] }
        let length = evbuffer_get_length(input)
        guard length > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: length)
        let copied = evbuffer_copyout(input, &bytes, length)
        return copied == length ? bytes : Array(bytes.prefix(max(0, copied)))
    }

    static func peer(of connection: OpaquePointer) -> (address: String, port: Int) {
        var address: UnsafeMutablePointer<CChar>?
        var port: UInt16 = 0
        evhttp_connection_get_peer(connection, &address, &port)
        return (address.map { String(cString: $0) } ?? "", Int(port))
    }

    static func peerCertificateRejected(of bufferEvent: OpaquePointer) -> Bool {
        guard let ssl = lt_bufferevent_get_ssl(bufferEvent) else { return false }
        return lt_ssl_peer_certificate_rejected(ssl) != 0
    }

    private static func verifiedChain(of bufferEvent: OpaquePointer) -> [[UInt8]] {
        guard let ssl = lt_bufferevent_get_ssl(bufferEvent) else { return [] }
        let count = lt_ssl_verified_chain_count(ssl)
        var chain: [[UInt8]] = []
        for index in 0..<max(0, count) {
            let length = lt_ssl_verified_chain_der_length(ssl, index)
            guard length > 0 else { return [] }
            var der = [UInt8](repeating: 0, count: Int(length))
            guard lt_ssl_verified_chain_der_copy(ssl, index, &der, length) == length else { return [] }
            chain.append(der)
        }
        return chain
    }
}


let eventLoopRequest: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Void = { request, argument in
    guard let request else { return }
    loop(argument).handle(request)
}
