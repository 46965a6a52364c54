internal import CEvent
private import Foundation

// The listening socket. The first loop binds it without `SO_REUSEPORT`, so a second process asking for the same
// port fails (`EADDRINUSE`) instead of silently sharing its traffic; the node's other loops accept on duplicates of
// that socket.
extension EventLoop {
    func listen(_ socket: ListeningSocket, base: OpaquePointer) throws(HTTPServerError) -> OpaquePointer {
        let flags = UInt32(LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC)
        switch socket {
        case .shared(let fd):
            // Backlog 0: the socket already listens.
            guard let listener = evconnlistener_new(base, nil, nil, flags, 0, fd) else {
                close(fd)
                throw HTTPServerError(code: .bindFailed, detail: "cannot accept on the shared socket")
            }
            return listener
        case .bind(let host, let port):
            var address = sockaddr_storage()
            var length = Int32(MemoryLayout<sockaddr_storage>.size)
            // evutil_parse_sockaddr_port rejects an explicit port 0; without a port it means 0.
            let bracketed = host.contains(":") ? "[\(host)]" : host
            let spec = port == 0 ? bracketed : "\(bracketed):\(port)"
            let parsed = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { evutil_parse_sockaddr_port(spec, $0, &length) }
            }
            guard parsed == 0 else {
                throw HTTPServerError(code: .invalidConfiguration, detail: "cannot parse address \(spec)")
            }
            // SO_REUSEADDR only lets the port be rebound while old connections sit in TIME_WAIT.
            let listener = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    evconnlistener_new_bind(base, nil, nil, flags | UInt32(LEV_OPT_REUSEABLE), 1024, $0, length)
                }
            }
            guard let listener else {
                let reason = errno == EADDRINUSE ? "address in use" : String(cString: strerror(errno))
                throw HTTPServerError(code: .bindFailed, detail: "cannot listen on \(spec): \(reason)")
            }
            return listener
        case .none:
            throw HTTPServerError(code: .bindFailed, detail: "the auxiliary loop has no listening socket")
        }
    }

    static func localPort(of fd: Int32) -> Int {
        var local = sockaddr_storage()
        var localLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &localLength) }
        }
        let networkPort: UInt16 =
            if Int32(local.ss_family) == AF_INET6 {
                withUnsafePointer(to: &local) {
                    $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port }
                }
            } else {
                withUnsafePointer(to: &local) {
                    $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port }
                }
            }
        return Int(UInt16(bigEndian: networkPort))
    }
}
