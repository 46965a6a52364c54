internal import CEvent
private import Glibc
import LienthongCore

// The loop as a `SocketLoop` (LienthongCore): modules below LienthongHTTP that wait on a socket of their own (libpq's)
// have it watched by the loop's `event_base`, as `CurlMulti` does for libcurl, and keep their per-loop state here.
extension EventLoop: SocketLoop {
    /// Lets code below LienthongHTTP find the calling thread's loop, or the auxiliary loop (from the runtime setup).
    static func installSocketLoops() {
        SocketLoops.install(current: { EventLoop.current }, auxiliary: { EventLoop.auxiliary })
    }

    func runOnLoop<T: Sendable>(otherwise: T, _ body: @escaping @Sendable () async -> T) async -> T {
        await onLoop(otherwise: otherwise, body)
    }

    func postToLoop(_ action: @escaping @Sendable () -> Void) {
        post { _ in action() }
    }

    func makeSocketWatch(_ socket: Int32, _ ready: @escaping (SocketInterest) -> Void) -> any SocketWatch {
        LoopSocketWatch(base: base!, socket: socket, ready: ready)
    }

    func resident(_ key: ObjectIdentifier, make: () -> any LoopResident) -> any LoopResident {
        if let resident = residents[key] { return resident }
        let resident = make()
        residents[key] = resident
        return resident
    }

    func removeResident(_ key: ObjectIdentifier) -> (any LoopResident)? {
        residents.removeValue(forKey: key)
    }
}

/// One libevent `event` on a loop's base for a socket (or a timer, socket -1); loop thread only.
final class LoopSocketWatch: SocketWatch {
    private var event: OpaquePointer?
    private let ready: (SocketInterest) -> Void

    init(base: OpaquePointer, socket: Int32, ready: @escaping (SocketInterest) -> Void) {
        self.ready = ready
        // Not persistent: each readiness is reported once, and the owner says what to watch next.
        event = event_new(base, socket, 0, loopSocketReady, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit { close() }

    func watch(_ interest: SocketInterest, timeout: Duration?) {
        guard let event else { return }
        event_del(event)
        var flags: Int16 = 0
        if interest.contains(.read) { flags |= Int16(EV_READ) }
        if interest.contains(.write) { flags |= Int16(EV_WRITE) }
        guard flags != 0 || timeout != nil else { return }
        event_assign(
            event, event_get_base(event), event_get_fd(event), flags, loopSocketReady,
            Unmanaged.passUnretained(self).toOpaque())
        guard let timeout else {
            event_add(event, nil)
            return
        }
        let (seconds, attoseconds) = timeout.components
        var delay = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        event_add(event, &delay)
    }

    func close() {
        guard let event else { return }
        event_free(event)
        self.event = nil
    }

    fileprivate func fire(_ events: Int16) {
        var interest: SocketInterest = []
        if events & Int16(EV_READ) != 0 { interest.insert(.read) }
        if events & Int16(EV_WRITE) != 0 { interest.insert(.write) }
        ready(interest)
    }
}

private let loopSocketReady: @convention(c) (Int32, Int16, UnsafeMutableRawPointer?) -> Void = { _, events, context in
    // Its owner may let it go from inside `ready` (a connection dropped when its work ends): keep it until then.
    let watch = Unmanaged<LoopSocketWatch>.fromOpaque(context!).takeUnretainedValue()
    withExtendedLifetime(watch) { watch.fire(events) }
}

/// The event loops as seen from modules below LienthongHTTP (`SocketLoops` in LienthongCore).
public enum EventLoopSockets {
    /// Makes the loops findable through `SocketLoops`: the calling thread's loop, else the auxiliary loop. The HTTP
    /// server does it when first made; a component that waits on sockets through `SocketLoops` (the PostgreSQL
    /// connector) does it too, so that it never falls back to blocking in a process that has loops. Idempotent.
    public static func install() {
        HTTPServerRuntime.prepare()
    }
}
