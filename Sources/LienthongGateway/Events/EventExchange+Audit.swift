import Foundation
import LienthongAudit
import LienthongCore

/// What the audit log records of subscriptions besides the deliveries (which name the registry's service).
enum EventAuditAction: String, Sendable {
    case subscribe
    case unsubscribe
    case read

    /// The audit record's `service` for a step that releases no event.
    var service: String { "lienthong:events:\(rawValue)" }
}

extension EventExchange {
    /// Audits a step that releases no event (a subscription made, ended or refused, a read refused).
    /// - Returns: the problem to answer instead when the record cannot be written.
    @discardableResult
    func record(
        _ action: EventAuditAction, _ id: String, consumer: String, service: String?, purpose: String?, status: Int,
        problem: Problem?, started: Date
    ) async -> Problem? {
        let event = AuditEvent(
            time: now(), requestID: id, consumer: consumer, service: service.map { "\(action.service):\($0)" }
                ?? action.service,
            purpose: purpose, outcome: problem == nil ? .allowed : .denied, status: status,
            problemCode: problem?.code, latencyMicroseconds: Self.microseconds(since: started, to: now()))
        return await audit.record([event], requestID: id)
    }

    static func microseconds(since start: Date, to end: Date) -> Int {
        max(0, Int((end.timeIntervalSince(start) * 1_000_000).rounded()))
    }
}
