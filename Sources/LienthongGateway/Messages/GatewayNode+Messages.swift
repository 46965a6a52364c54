import Foundation

extension GatewayNode {
    /// How long the delivery worker waits when nothing was due.
    static let deliveryPollInterval = Duration.milliseconds(100)

    /// The delivery worker: delivers due documents on the current snapshot until cancelled (at shutdown); a
    /// message a crash interrupted is still queued in the store, so the worker of the next start delivers it.
    func deliverMessages() async {
        while !Task.isCancelled {
            let due = await current.current.messages.deliverDue()
            if due == 0 { try? await Task.sleep(for: Self.deliveryPollInterval) }
        }
    }
}
