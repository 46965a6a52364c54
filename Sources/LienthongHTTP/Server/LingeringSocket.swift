internal import CEvent
private import Foundation

/// A refused connection's socket, kept open after the answer was sent: reading and discarding what the client
/// still sends, so closing does not reset the connection and destroy the answer before the client reads it.
///
/// Holds a duplicate of the connection's descriptor, so evhttp closing its own leaves the socket open. Loop-thread
/// only; ends at the client's end of stream, at an error, or after ``lingerTime``.
final class LingeringSocket {
    /// The longest a refused connection lingers.
    static let lingerTime = timeval(tv_sec: 2, tv_usec: 0)

    unowned let loop: EventLoop
    let fd: Int32
    private var event: OpaquePointer?

    /// Takes a duplicate of `fd`; `nil` when the process is out of descriptors.
    init?(loop: EventLoop, duplicating fd: Int32) {
        let copy = dup(fd)
        guard copy >= 0 else { return nil }
        self.loop = loop
        self.fd = copy
    }

    /// Sends FIN after the answer already queued in the kernel, then drains input until done.
    func start(base: OpaquePointer) {
        shutdown(fd, Int32(SHUT_WR))
        let context = Unmanaged.passUnretained(self).toOpaque()
        guard let event = event_new(base, fd, Int16(EV_READ | EV_PERSIST), lingeringSocketReadable, context) else {
            loop.endLingering(self)
            return
        }
        self.event = event
        var time = Self.lingerTime
        event_add(event, &time)
    }

    fileprivate func readable(timedOut: Bool) {
        var scratch = [UInt8](repeating: 0, count: 16 * 1024)
        while !timedOut {
            let count = recv(fd, &scratch, scratch.count, Int32(MSG_DONTWAIT))
            if count > 0 { continue }
            if count < 0, errno == EAGAIN || errno == EINTR { return }
            break
        }
        loop.endLingering(self)
    }

    /// Frees the event and closes the descriptor.
    func close() {
        if let event { event_free(event) }
        event = nil
        Glibc.close(fd)
    }
}

extension EventLoop {
    /// Starts lingering on `socket` (its answer is in the kernel's send buffer).
    func linger(_ socket: LingeringSocket) {
        guard let base else {
            socket.close()
            return
        }
        lingering[socket.fd] = socket
        socket.start(base: base)
    }

    func endLingering(_ socket: LingeringSocket) {
        lingering[socket.fd] = nil
        socket.close()
    }
}

private let lingeringSocketReadable: @convention(c) (Int32, Int16, UnsafeMutableRawPointer?) -> Void = {
    _, what, argument in
    let socket = Unmanaged<LingeringSocket>.fromOpaque(argument!).takeUnretainedValue()
    socket.readable(timedOut: what & Int16(EV_TIMEOUT) != 0)
}
