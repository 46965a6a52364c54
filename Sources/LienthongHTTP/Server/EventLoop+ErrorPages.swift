internal import CEvent
internal import CLienthongShims
private import Foundation

// Answers the loop writes around evhttp: problem+json in place of evhttp's HTML error pages, and the 400 for a
// plain HTTP request on the TLS port.
extension EventLoop {
    func outputChanged(_ context: ConnectionContext, buffer: OpaquePointer, info: evbuffer_cb_info) {
        guard info.n_added > 0, !sendingOwnResponse, !context.rewriting, !context.replacedErrorPage else { return }
        // evhttp wrote on its own: a `100 Continue` (kept) or an error page from evhttp_send_error, whose
        // status line comes first in its own write.
        var head = [UInt8](repeating: 0, count: 16)
        let copied = lt_evbuffer_copyout_from(buffer, info.orig_size, &head, min(16, info.n_added))
        guard copied >= 12, head.starts(with: Array("HTTP/".utf8)) else { return }
        guard let space = head.firstIndex(of: UInt8(ascii: " ")), space + 4 <= copied,
            let status = Int(String(decoding: head[(space + 1)..<(space + 4)], as: UTF8.self)), status >= 200
        else { return }
        context.rewriting = true
        defer { context.rewriting = false }
        let original = info.orig_size
        if original == 0 {
            evbuffer_drain(buffer, info.n_added)
        } else {
            // Keep bytes queued before the error page (normally none: evhttp answers one request at a time).
            var kept = [UInt8](repeating: 0, count: original)
            _ = evbuffer_copyout(buffer, &kept, original)
            evbuffer_drain(buffer, evbuffer_get_length(buffer))
            evbuffer_add(buffer, kept, original)
        }
        // A refusal the state machine decided while evhttp had the request (a malformed chunk) names the problem.
        let response = context.machine.rejection?.response ?? ProblemDocument.response(status: status)
        settings.observer?.answered(response.status)
        let bytes = Self.closingResponse(response)
        evbuffer_add(buffer, bytes, bytes.count)
        // evhttp goes on writing its page (headers, HTML body); freezing the end makes those writes fail.
        // evhttp_send_error marks the response `Connection: close`, so the connection ends after the flush.
        evbuffer_freeze(buffer, 0)
        context.replacedErrorPage = true
    }

    /// `response` as bytes on the wire, with its length and `Connection: close`.
    static func closingResponse(_ response: HTTPResponse) -> [UInt8] {
        var text = "HTTP/1.1 \(response.status) \(ReasonPhrase.of(response.status))\r\n"
        for field in response.headers { text += "\(field.name): \(field.value)\r\n" }
        text += "Content-Length: \(response.body.count)\r\nConnection: close\r\n\r\n"
        return Array(text.utf8) + response.body
    }

    /// Whether OpenSSL ended the handshake because the client spoke plain HTTP.
    static func sawPlainHTTP(_ bufferEvent: OpaquePointer) -> Bool {
        var sawHTTP = false
        while case let error = bufferevent_get_openssl_error(bufferEvent), error != 0 {
            if lt_ssl_error_is_plain_http(error) != 0 { sawHTTP = true }
        }
        return sawHTTP
    }

    /// Answers a plain HTTP request on the TLS port with a plain 400, as nginx does, instead of closing silently.
    func answerPlainHTTP(_ context: ConnectionContext) {
        let fd = bufferevent_getfd(context.bufferEvent)
        guard fd >= 0, let socket = LingeringSocket(loop: self, duplicating: fd) else { return }
        let response = RequestHeadError(code: .plainHTTPToTLSPort).response
        settings.observer?.answered(response.status)
        let bytes = Self.closingResponse(response)
        // A few hundred bytes on a fresh connection fit in the socket's send buffer.
        _ = Glibc.send(socket.fd, bytes, bytes.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
        context.lingeringSocket?.close()
        context.lingeringSocket = socket
    }
}

let connectionOutputChanged:
    @convention(c) (OpaquePointer?, UnsafePointer<evbuffer_cb_info>?, UnsafeMutableRawPointer?) -> Void = {
        buffer, info, argument in
        guard let buffer, let info else { return }
        let context = connection(argument)
        context.loop.outputChanged(context, buffer: buffer, info: info.pointee)
    }
