import Synchronization

/// What a ``SocketLoop`` watches a socket for.
public struct SocketInterest: OptionSet, Sendable, Hashable {
    /// The raw flags.
    public let rawValue: Int
    /// Creates a set from raw flags.
    public init(rawValue: Int) { self.rawValue = rawValue }
    /// The socket has bytes to read (or was closed).
    public static let read = SocketInterest(rawValue: 1)
    /// The socket accepts bytes to write.
    public static let write = SocketInterest(rawValue: 2)
}

/// An event loop as seen from modules below LienthongHTTP (where the loops live): it runs work on its thread and
/// watches sockets there. Code that waits on a socket of its own (libpq) uses it the way `HTTPClient` uses libcurl:
/// the socket's readiness continues the work on the loop, and the waiting task resumes there through the loop's
/// executor, the one way back to a loop.
///
/// The members marked *loop thread only* must be called on the loop's thread (inside ``runOnLoop(otherwise:_:)``
/// or ``postToLoop(_:)``).
public protocol SocketLoop: AnyObject, Sendable {
    /// Runs `body` on the loop thread (at once when the caller is there) and returns its value, or `otherwise`
    /// when the loop has stopped.
    func runOnLoop<T: Sendable>(otherwise: T, _ body: @escaping @Sendable () async -> T) async -> T

    /// Queues `action` for the loop thread (runs it at once when the caller is there); dropped when the loop has
    /// stopped, since the loop ended its residents then (see ``LoopResident/loopStopped()``).
    func postToLoop(_ action: @escaping @Sendable () -> Void)

    /// Loop thread only: a watcher of `socket` (or a timer, for socket -1) calling `ready` on the loop thread with
    /// what became ready, or with an empty set when its timeout passed. It watches nothing until told to.
    func makeSocketWatch(_ socket: Int32, _ ready: @escaping (SocketInterest) -> Void) -> any SocketWatch

    /// Loop thread only: the object kept on this loop under `key`, made by `make` on first use. The loop calls its
    /// ``LoopResident/loopStopped()`` when it stops.
    func resident(_ key: ObjectIdentifier, make: () -> any LoopResident) -> any LoopResident

    /// Loop thread only: forgets the object kept under `key` and returns it.
    func removeResident(_ key: ObjectIdentifier) -> (any LoopResident)?
}

/// A socket (or timer) watched by a ``SocketLoop``; used on the loop thread only.
public protocol SocketWatch: AnyObject {
    /// Watches for `interest` (nothing when empty), until `timeout` if given; replaces what was watched before.
    func watch(_ interest: SocketInterest, timeout: Duration?)
    /// Stops watching for good; the watcher is not called again.
    func close()
}

/// State a component keeps on each loop it is used on (its connections there, say).
public protocol LoopResident: AnyObject {
    /// The loop stops: fail the waiters with a typed error and close what is open (called on the loop thread).
    func loopStopped()
}

/// How code below LienthongHTTP finds a loop: the one the calling thread runs, or the auxiliary loop for callers
/// on no loop. LienthongHTTP installs both on first use of its loops; a process without them (some tools, unit
/// tests of the storage alone) finds neither.
public enum SocketLoops {
    private struct Providers: Sendable {
        var current: @Sendable () -> (any SocketLoop)?
        var auxiliary: @Sendable () -> any SocketLoop
    }

    private static let providers = Mutex<Providers?>(nil)

    /// Installs how to find the current and the auxiliary loop (idempotent: the first installation wins).
    public static func install(
        current: @escaping @Sendable () -> (any SocketLoop)?, auxiliary: @escaping @Sendable () -> any SocketLoop
    ) {
        providers.withLock { providers in
            if providers == nil { providers = Providers(current: current, auxiliary: auxiliary) }
        }
    }

    /// The loop of the calling thread, else the auxiliary loop; `nil` when no loops were installed.
    public static var forCaller: (any SocketLoop)? {
        guard let providers = providers.withLock({ $0 }) else { return nil }
        return providers.current() ?? providers.auxiliary()
    }
}
