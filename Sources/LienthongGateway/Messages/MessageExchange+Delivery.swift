import Foundation
import LienthongCore
import LienthongFederation
import LienthongNodeStore

extension MessageExchange {
    /// The most messages one pass of ``deliverDue()`` takes.
    static let deliveryBatch = 64

    /// Delivers the messages that are due now into their recipients' inboxes, each with a signed delivery receipt,
    /// audited first: on this node, or (``PeerMessaging``) on the node the global configuration names for the
    /// recipient's member, whose receipt is checked and kept. A failed attempt is retried with backoff; a message
    /// past its time to live, or refused for good by the recipient's node, goes to the dead letters.
    ///
    /// The batch's receipts are signed and audited together (the audit log commits their records in one group);
    /// the messages then enter the inbox in one write, in due order, so a recipient reads them in the order they came.
    /// - Returns: how many messages were due (so the worker polls again at once while there is work).
    @discardableResult
    func deliverDue() async -> Int {
        let due: [MessageRecord]
        do {
            // Claimed for this node's worker: on a shared queue another node's worker takes the others.
            due = try await queue.claim(at: now(), limit: Self.deliveryBatch, lease: settings.deliveryLease)
        } catch {
            return 0
        }
        let prepared = await withTaskGroup(of: (Int, MessageDelivery?).self) { group in
            for (index, record) in due.enumerated() {
                group.addTask { (index, await prepare(record)) }
            }
            var prepared = [MessageDelivery?](repeating: nil, count: due.count)
            for await (index, delivery) in group { prepared[index] = delivery }
            return prepared
        }
        // In due order and durable together; a failed write leaves the rows queued and due: the next pass tries
        // again.
        _ = try? await queue.deliver(prepared.compactMap { $0 })
        return due.count + (await returnReadReceipts())
    }

    /// Sends the read receipts due to go back to other nodes (messages that came from there and were acknowledged
    /// here); one not taken is tried again after as long as it has waited so far (from the retry settings' initial
    /// wait up to their maximum), one refused for good is not sent again.
    /// - Returns: how many were due.
    private func returnReadReceipts() async -> Int {
        guard let peers, let due = try? await queue.receiptsToReturn(at: now(), limit: Self.deliveryBatch) else {
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for record in due {
                group.addTask {
                    var again = peers.routingUnknown != nil
                    if let receipt = record.readReceipt, let node = peers.node(serving: record.message.sender),
                        case .failed = await peers.returnReceipt(receipt, of: record.message, to: node)
                    {
                        again = true
                    }
                    let waited = now().timeIntervalSince(record.acknowledgedAt ?? now())
                    let wait = min(max(waited, settings.retryInitial.secondsValue), settings.retryMax.secondsValue)
                    // Taken, refused for good, or its sender's node gone from the configuration: not sent again.
                    try? await queue.returnReceipt(
                        id: record.message.id, nextAttemptAt: again ? now().addingTimeInterval(wait) : nil)
                }
            }
        }
        return due.count
    }

    /// Checks that `record` can be delivered now, signs its delivery receipt and audits the delivery.
    /// - Returns: the delivery, or `nil` after scheduling a retry or a dead letter.
    private func prepare(_ record: MessageRecord) async -> MessageDelivery? {
        let started = now()
        let message = record.message
        guard started < message.expiresAt else {
            await fail(record, code: record.lastError ?? "message.expired", at: started, giveUp: true)
            return nil
        }
        if let problem = peers?.routingUnknown {
            await fail(record, code: problem.code, at: started)
            return nil
        }
        if let peers, let node = peers.node(serving: message.recipient) {
            return await deliver(record, to: node, peers: peers, started: started)
        }
        // Same node: the recipient's inbox is here while it is a consumer of the configuration.
        guard recipients.contains(message.recipient) else {
            await fail(record, code: MessageProblems.unknownRecipient.code, at: started)
            return nil
        }
        var stored = true
        do {
            for attachment in message.attachments where stored {
                stored = try await store.contains(sha256: attachment.sha256)
            }
        } catch {
            // The store did not answer: the message stays queued and is claimed again after its lease.
            return nil
        }
        guard stored else {
            await fail(record, code: "message.attachment-missing", at: started)
            return nil
        }
        guard let receipts, let receipt = try? receipts.sign(.delivery, for: message, receivedAt: started) else {
            await fail(record, code: "message.receipt-unsigned", at: started)
            return nil
        }
        guard await self.record(.deliver, message, actor: message.recipient, status: 200, started: started,
            receipt: receipt) == nil
        else {
            await fail(record, code: GatewayProblems.auditUnavailable.code, at: started)
            return nil
        }
        return MessageDelivery(id: message.id, receipt: receipt.body, receivedAt: started)
    }

    /// A message for a recipient on another node: sent there, its delivery receipt checked and audited.
    private func deliver(
        _ record: MessageRecord, to node: GlobalConfiguration.Node, peers: PeerMessaging, started: Date
    ) async -> MessageDelivery? {
        let message = record.message
        switch await peers.deliver(message, to: node, store: store, fallback: receipts?.identity) {
        case .failed(let code):
            await fail(record, code: code, at: started)
            return nil
        case .refused(let code):
            await fail(record, code: code, at: started, giveUp: true)
            return nil
        case .taken(nil):
            await fail(record, code: FederationProblems.badReceipt.code, at: started)
            return nil
        case .taken(let receipt?):
            guard await self.record(
                .deliver, message, actor: message.recipient, status: 200, started: started,
                receiptSHA256: receipt.sha256, crossNode: true) == nil
            else {
                await fail(record, code: GatewayProblems.auditUnavailable.code, at: started)
                return nil
            }
            return MessageDelivery(id: message.id, receipt: receipt.body, receivedAt: receipt.receivedAt)
        }
    }

    /// Schedules the next attempt, or moves the message to the dead letters (audited) when none fits its TTL or
    /// the attempt cannot succeed (`giveUp`).
    private func fail(_ record: MessageRecord, code: String, at time: Date, giveUp: Bool = false) async {
        let schedule = RetrySchedule(initial: settings.retryInitial, maximum: settings.retryMax)
        let action =
            giveUp ? .deadLetter
            : schedule.next(afterFailures: record.attempts + 1, now: time, expiresAt: record.message.expiresAt)
        do {
            switch action {
            case .retry(let at):
                try await queue.retry(id: record.message.id, nextAttemptAt: at, error: code)
            case .deadLetter:
                await self.record(
                    .deadLetter, record.message, actor: record.message.recipient, status: 504, started: time,
                    problemCode: code)
                try await queue.deadLetter(id: record.message.id, error: code)
            }
        } catch {
            // Left as it was: the next pass decides again.
        }
    }
}
