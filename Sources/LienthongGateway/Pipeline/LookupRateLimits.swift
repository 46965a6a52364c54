import LienthongAccess
import LienthongCore

/// The pipeline stage that applies rate limits, after the policy allowed a lookup and before any back end is
/// asked: a refused request costs the agency nothing. It counts a lookup against the limit of the consumer's grant
/// for the service and against the registry's limit across all consumers, all or none.
struct LookupRateLimits: Sendable {
    /// Where the grants' limits come from (this snapshot's configuration).
    let policy: AccessPolicy
    /// The state so far, shared by every snapshot of the node.
    let store: RateLimitStore<ContinuousClock>

    /// Counts one request of `consumer` that looks up `service` of each registry in `lookups`.
    /// - Returns: `nil` when admitted, else the 429 `rate-limited` problem with its `retryAfter`.
    func admit(consumer: ExchangeID, lookups: [(descriptor: RegistryDescriptor, service: ExchangeID)]) -> Problem? {
        var charges: [RateLimitStore<ContinuousClock>.Charge] = []
        var scopes: Set<RateLimitStore<ContinuousClock>.Scope> = []
        func charge(_ scope: RateLimitStore<ContinuousClock>.Scope, _ limit: RateLimit?) {
            // A request counts once against each limit, however many of its parts share it.
            guard let limit, scopes.insert(scope).inserted else { return }
            charges.append(.init(scope: scope, limit: limit))
        }
        for (descriptor, service) in lookups {
            charge(.consumer(consumer, service: service), policy.rateLimit(consumer: consumer, service: service))
            charge(.service(descriptor.service), descriptor.rateLimit)
        }
        return store.admit(charges).map(GatewayProblems.rateLimited)
    }
}
