import Foundation
import LienthongAudit
import LienthongCore

/// Records a request's audit events before its response leaves; a failure to record withholds the response.
struct AuditRecorder: Sendable {
    let log: AuditLog
    /// `false` only on a development node measuring the audit's cost (`node.json` `audit.enabled`).
    let enabled: Bool

    /// Appends `events` durably, or returns the problem to answer instead of the data.
    ///
    /// Tells the request's trace the subject's keyed hash as the log stores it, so the access line can name the
    /// subject the way the audit does.
    func record(_ events: [AuditEvent], requestID: String) async -> Problem? {
        let trace = RequestTrace.current
        if events.count == 1 { trace?.audited(problemCode: events[0].problemCode) }
        guard enabled else {
            if let trace, let key = events.first?.subjectKey { trace.subject(hmac: log.subjectHMAC(key)) }
            return nil
        }
        do {
            // One append for all of an exchange's events: one commit to wait for, one wake-up.
            for record in try await log.append(contentsOf: events) {
                if let hmac = record.subjectHMAC { trace?.subject(hmac: hmac) }
            }
            return nil
        } catch {
            trace?.failed(
                RequestTrace.Failure(
                    part: .audit, registry: nil, code: GatewayProblems.auditUnavailable.code,
                    cause: "append failed: \(error)"))
            return GatewayProblems.auditUnavailable
        }
    }
}
