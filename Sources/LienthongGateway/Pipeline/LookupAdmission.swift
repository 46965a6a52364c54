import Foundation
import LienthongAccess
import LienthongAudit
import LienthongCore
import LienthongNodeStore
import LienthongTrust

/// The checks every lookup of a registry passes before its back end is asked: the purpose is stated, the key
/// follows its identifier rules, the policy allows `service` for the consumer and purpose (deny by default), the
/// rate limits are not reached, and a caller-chosen request id is not a replay. Records and documents share it; each
/// names its own service.
struct LookupAdmission: Sendable {
    let policy: AccessPolicy
    let rateLimits: LookupRateLimits
    let replay: any ReplayAdmitter
    let now: @Sendable () -> Date

    /// What an admitted lookup may do.
    struct Admitted: Sendable {
        /// The validated (normalised) key.
        var key: String
        /// The stated purpose.
        var purpose: String
        /// The fields the grant releases.
        var selection: FieldSelection
    }

    /// Admits `request` for `service` of `descriptor`, filling the audit event's service, provider and subject.
    /// - Parameter requestedFields: the parsed `fields` parameter (records only).
    func admit(
        _ request: LookupRequest, consumer: Consumer, descriptor: RegistryDescriptor, service: ExchangeID,
        requestedFields: [String]?, event: inout AuditEvent
    ) async -> Result<Admitted, Problem> {
        event.service = service.description
        event.provider = descriptor.provider.description
        RequestTrace.current?.asked(descriptor.name)
        guard let purpose = request.purpose, !purpose.isEmpty else { return .failure(GatewayProblems.purposeRequired) }
        let key: String
        do {
            key = try descriptor.keyKind.validate(request.key)
        } catch {
            return .failure(error.problem)
        }
        event.subjectKey = key
        let decision = policy.evaluate(
            AccessRequest(
                consumer: consumer.id, service: service, purpose: purpose, requestedFields: requestedFields,
                key: key, keyKind: descriptor.keyKind, date: Timestamp.date(now())
            )
        )
        let selection: FieldSelection
        switch decision {
        case .deny(let denial): return .failure(denial.problem)
        case .allow(let fields): selection = fields
        }
        // Before the replay window, so that a refused request may be sent again with its request id.
        if let limited = rateLimits.admit(consumer: consumer.id, lookups: [(descriptor, service)]) {
            return .failure(limited)
        }
        if request.requestIDGiven {
            // Keyed by consumer: two consumers may pick the same id without refusing each other.
            do throws(TrustError) {
                try await replay.admit([("\(consumer.id)|\(request.requestID)", nil)], now: now())
            } catch {
                return .failure(error.problem)
            }
        }
        return .success(Admitted(key: key, purpose: purpose, selection: selection))
    }
}

extension AuditEvent {
    /// Marks the event as refused (401, 403, 429: `denied`) or failed (anything else) with `problem`'s status and
    /// code.
    mutating func conclude(with problem: Problem) {
        outcome = [401, 403, 429].contains(problem.status) ? .denied : .failed
        status = problem.status
        problemCode = problem.code
    }
}
