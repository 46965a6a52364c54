import Synchronization

/// The group commit of the embedded queue's sends, without a thread of its own: a send that arrives while another
/// commits waits (suspended, its event loop free) and the first of those waiting then commits them all in one
/// transaction, one sync for the group, on its own thread. Each committing send takes only the group that waited
/// for it, so no send commits for long while others keep arriving.
final class AcceptGroup: Sendable {
    /// What a waiting send is resumed with.
    private enum Turn: Sendable {
        /// Its message was committed (or refused) with the group.
        case done(Result<MessageAcceptance, MessageQueueError>)
        /// The send that committed before it is done: it commits the group waiting now.
        case lead
    }

    private struct Waiter: Sendable {
        let message: QueuedMessage
        let continuation: CheckedContinuation<Turn, Never>
    }

    private struct State {
        var committing = false
        var waiting: [Waiter] = []
    }

    private let state = Mutex(State())

    /// Accepts `message` with the sends waiting beside it; `commit` stores a group in one transaction and answers
    /// for each message in order.
    func accept(
        _ message: QueuedMessage, commit: ([QueuedMessage]) throws(MessageQueueError) -> [MessageAcceptance]
    ) async throws(MessageQueueError) -> MessageAcceptance {
        if !state.withLock({ Self.takeLead(&$0) }) {
            let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
                // Checked again under the same lock as the append: the committing send may have finished meanwhile.
                let leads = state.withLock { state -> Bool in
                    if Self.takeLead(&state) { return true }
                    state.waiting.append(Waiter(message: message, continuation: continuation))
                    return false
                }
                if leads { continuation.resume(returning: .lead) }
            }
            if case .done(let result) = turn { return try result.get() }
        }
        let group = state.withLock { state in
            defer { state.waiting = [] }
            return state.waiting
        }
        let result: Result<[MessageAcceptance], MessageQueueError>
        do throws(MessageQueueError) {
            result = .success(try commit([message] + group.map(\.message)))
        } catch {
            result = .failure(error)
        }
        for (index, waiter) in group.enumerated() {
            waiter.continuation.resume(returning: .done(result.map { $0[index + 1] }))
        }
        // The first send that came meanwhile commits the next group.
        let next = state.withLock { state -> Waiter? in
            guard !state.waiting.isEmpty else {
                state.committing = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.continuation.resume(returning: .lead)
        return try result.map { $0[0] }.get()
    }

    /// Whether this send commits now (no other is committing); if so, the others wait for it.
    private static func takeLead(_ state: inout State) -> Bool {
        guard !state.committing else { return false }
        state.committing = true
        return true
    }
}
