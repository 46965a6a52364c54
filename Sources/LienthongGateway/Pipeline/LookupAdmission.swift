import Foundation
import LienthongAccess
import LienthongCore
import LienthongNodeStore
import LienthongTrust

/// The admission stages every lookup passes before a back end is asked, in order: the purpose is stated, the key
/// follows its identifier rules, the policy allows the services asked for the consumer and purpose (deny by
/// default), the rate limits are not reached, and a caller-chosen request id is not a replay.
struct LookupAdmission: Sendable {
    let policy: AccessPolicy
    let rateLimits: LookupRateLimits
    let replay: any ReplayAdmitter
    let now: @Sendable () -> Date

    /// The stated purpose, or 400 `purpose-required`.
    func purpose(of request: LookupRequest) throws(Problem) -> String {
        guard let purpose = request.purpose, !purpose.isEmpty else { throw GatewayProblems.purposeRequired }
        return purpose
    }

    /// The key in its normal form under the target's identifier rules, or the rule's 400.
    func key(of request: LookupRequest, for target: LookupTarget) throws(Problem) -> String {
        do {
            return try target.keyKind.validate(request.key)
        } catch {
            throw error.problem
        }
    }

    /// Decides every service of `target` (policy), then charges the granted ones (rate limits), then remembers a
    /// caller-chosen request id (replay window).
    /// - Returns: the decision for each of `target.asked`; at least one grants.
    /// - Throws: the first service's denial when none is granted (`access-denied` if it has no decision), 429
    ///   `rate-limited`, 409 `replay-detected`.
    func admit(
        _ request: LookupRequest, consumer: Consumer, target: LookupTarget, purpose: String, key: String
    ) async throws(Problem) -> [AccessDecision?] {
        let date = Timestamp.date(now())
        let decisions = target.asked.map { asked in
            asked.map {
                policy.evaluate(
                    AccessRequest(
                        consumer: consumer.id, service: $0.service, purpose: purpose,
                        requestedFields: target.requestedFields, key: key,
                        keyKind: target.keyKind, date: date))
            }
        }
        var granted: [(descriptor: RegistryDescriptor, service: ExchangeID)] = []
        for (asked, decision) in zip(target.asked, decisions) {
            if let asked, case .allow? = decision { granted.append((asked.runtime.descriptor, asked.service)) }
        }
        guard !granted.isEmpty else {
            if case .deny(let denial)? = decisions.first { throw denial.problem }
            throw GatewayProblems.accessDenied
        }
        // Every granted service counts, and before the replay window, so that a refused request may be sent again
        // with its request id; no registry is asked when one is limited.
        if let limited = rateLimits.admit(consumer: consumer.id, lookups: granted) { throw limited }
        if request.requestIDGiven {
            // Keyed by consumer: two consumers may pick the same id without refusing each other.
            do throws(TrustError) {
                try await replay.admit([("\(consumer.id)|\(request.requestID)", nil)], now: now())
            } catch {
                throw error.problem
            }
        }
        return decisions
    }
}
