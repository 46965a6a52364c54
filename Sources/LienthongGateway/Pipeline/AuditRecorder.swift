import Foundation
import LienthongAudit
import LienthongCore

/// Records a request's audit events before its response leaves; a failure to record withholds the response.
struct AuditRecorder: Sendable {
    let log: AuditLog
    /// `false` only on a development node measuring the audit's cost (`node.json` `audit.enabled`).
    let enabled: Bool

    /// Appends `events` durably, or returns the problem to answer instead of the data.
    func record(_ events: [AuditEvent], requestID: String) async -> Problem? {
        guard enabled else { return nil }
        do {
            for event in events { _ = try await log.append(event) }
            return nil
        } catch {
            Console.warn("lienthong: audit append failed for request \(requestID): \(error)")
            return GatewayProblems.auditUnavailable
        }
    }
}
