import Foundation
import LienthongAudit
import LienthongCore
import LienthongNodeStore
import LienthongTrust

/// What the audit log records of a document's way: sending, delivery (or dead letter) and acknowledgement.
enum MessageAuditAction: String, Sendable {
    case send
    case deliver
    case deadLetter = "dead-letter"
    case ack

    /// The audit record's `service`: kept in the chain beside the lookups under its own name per step.
    var service: String { "lienthong:messages:\(rawValue)" }
}

extension MessageExchange {
    /// Audits a step of `message` by `actor` (the sender for `send`, the recipient otherwise); the record's request
    /// id is the message id, its `messageSHA256` the message hash, its `documentSHA256` the receipt's hash.
    /// A step between two nodes (`crossNode`: a delivery or read receipt that crossed) also carries the message hash
    /// as its `requestSHA256`, which `lienthong audit reconcile` matches on both nodes' logs.
    /// - Returns: the problem to answer instead when the record cannot be written.
    @discardableResult
    func record(
        _ action: MessageAuditAction, _ message: QueuedMessage, actor: String, status: Int, started: Date,
        receipt: SignedEnvelope? = nil, receiptSHA256: String? = nil, problemCode: String? = nil,
        crossNode: Bool = false
    ) async -> Problem? {
        let event = AuditEvent(
            time: now(), requestID: message.id, consumer: actor,
            provider: actor == message.sender ? message.recipient : message.sender, service: action.service,
            purpose: message.purpose, fields: message.attachments.map(\.name),
            outcome: problemCode == nil ? .allowed : .failed, status: status, problemCode: problemCode,
            latencyMicroseconds: Self.microseconds(since: started, to: now()), messageSHA256: message.messageHash,
            requestSHA256: crossNode ? message.messageHash : nil,
            documentSHA256: receipt?.messageSHA256 ?? receiptSHA256)
        return await audit.record([event], requestID: message.id)
    }

    /// Audits a refused send (no message stored), under `id` (a new one: a refused message's id is not trusted).
    func record(
        _ action: MessageAuditAction, id: String, consumer: String, status: Int, problem: Problem, started: Date
    ) async {
        let event = AuditEvent(
            time: now(), requestID: id, consumer: consumer, service: action.service, outcome: .denied, status: status,
            problemCode: problem.code, latencyMicroseconds: Self.microseconds(since: started, to: now()))
        _ = await audit.record([event], requestID: id)
    }

    private static func microseconds(since start: Date, to end: Date) -> Int {
        max(0, Int((end.timeIntervalSince(start) * 1_000_000).rounded()))
    }
}
