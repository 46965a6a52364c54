internal import CEvent
private import Foundation

// Spreading connections over the loops (`AcceptBalance`): a loop that holds more than its share after an accept
// pauses its listener briefly, on a one-shot timer of its own base, so the other loops take the next connections.
extension EventLoop {
    /// After an accept: pauses the listener for ``AcceptBalance/pause`` when this loop is ahead of the others.
    func balanceAccepting() {
        guard let balance = settings.balance, balance.update(loop: index, connections: connections.count),
            let listener, let base, !listenerPaused, !resumeAcceptingArmed
        else { return }
        // libevent's accept loop sees the listener disabled and leaves the pending connections in the backlog.
        evconnlistener_disable(listener)
        listenerPaused = true
        resumeAcceptingArmed = true
        let (seconds, attoseconds) = AcceptBalance.pause.components
        var delay = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
        event_base_once(
            base, -1, Int16(EV_TIMEOUT), eventLoopResumeAccepting, Unmanaged.passUnretained(self).toOpaque(), &delay)
    }

    /// The pause is over: accept again, unless the connection limit or a drain holds the listener.
    func resumeAccepting() {
        resumeAcceptingArmed = false
        guard listenerPaused, connections.count < settings.maxConnections, let listener, !draining else { return }
        evconnlistener_enable(listener)
        listenerPaused = false
    }
}

private let eventLoopResumeAccepting: @convention(c) (Int32, Int16, UnsafeMutableRawPointer?) -> Void = {
    _, _, argument in
    loop(argument).resumeAccepting()
}
