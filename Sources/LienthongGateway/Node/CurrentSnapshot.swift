import LienthongHTTP
import Synchronization

/// The node's current ``GatewaySnapshot`` behind one lock, and the server's handler: each request reads the
/// snapshot once at its start and runs to its end on that one, so a reload never changes a request mid-way.
///
/// The lock is held only to copy or replace one reference, never across a request, so the event loops do not
/// wait on a reload that is still reading files.
final class CurrentSnapshot: HTTPHandler, Sendable {
    private let snapshot: Mutex<GatewaySnapshot>

    init(_ snapshot: GatewaySnapshot) { self.snapshot = Mutex(snapshot) }

    /// The snapshot new requests start on.
    var current: GatewaySnapshot { snapshot.withLock { $0 } }

    /// Makes `next` the snapshot of every request that starts from now on.
    func swap(to next: GatewaySnapshot) { snapshot.withLock { $0 = next } }

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        await current.router.handle(request)
    }
}
