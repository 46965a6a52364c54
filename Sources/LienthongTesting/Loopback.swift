public import Foundation

/// A TCP connection to a port on 127.0.0.1, made with the socket calls themselves, for tests that send bytes no HTTP
/// client would or that ask whether anything listens.
public enum Loopback {
    /// A blocking socket connected to `127.0.0.1:port`, which the caller closes.
    /// - Throws: the `errno` of the failed `connect` (e.g. `ECONNREFUSED` when nothing listens).
    public static func connect(port: Int) throws(POSIXError) -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let failure = errno
            close(fd)
            throw POSIXError(POSIXErrorCode(rawValue: failure) ?? .EIO)
        }
        return fd
    }
}
