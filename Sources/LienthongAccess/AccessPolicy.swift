public import LienthongCore

/// Deny-by-default access rules: a pure function from a request and the grants to a decision.
///
/// ```swift
/// let policy = AccessPolicy(configuration)
/// switch policy.evaluate(request) { case .allow(let fields): … case .deny(let why): throw why }
/// ```
public struct AccessPolicy: Sendable {
    private let purposes: Set<String>
    private let grantsByConsumerAndService: [GrantKey: [Grant]]
    private let rateLimits: [GrantKey: RateLimit]

    private struct GrantKey: Hashable {
        var consumer: ExchangeID
        var service: ExchangeID
    }

    /// Indexes the grants of a configuration.
    public init(_ configuration: PolicyConfiguration) {
        purposes = Set(configuration.purposes.map(\.code))
        grantsByConsumerAndService = Dictionary(
            grouping: configuration.grants,
            by: { GrantKey(consumer: $0.consumer, service: $0.service) }
        )
        // The configuration check refuses two grants of one consumer and service that state different limits.
        rateLimits = grantsByConsumerAndService.compactMapValues { $0.lazy.compactMap(\.rateLimit).first }
    }

    /// Decides a request. Checks, in order: known purpose, a grant for the service, the purpose,
    /// the grant's conditions, then each requested field.
    public func evaluate(_ request: AccessRequest) -> AccessDecision {
        func deny(_ reason: AccessDenial.Reason, _ subject: String? = nil) -> AccessDecision {
            .deny(
                AccessDenial(
                    reason: reason, consumer: request.consumer, service: request.service, purpose: request.purpose,
                    subject: subject
                )
            )
        }
        guard purposes.contains(request.purpose) else { return deny(.unknownPurpose) }
        let grants = grantsByConsumerAndService[GrantKey(consumer: request.consumer, service: request.service)] ?? []
        guard !grants.isEmpty else { return deny(.noGrantForService) }
        let forPurpose = grants.filter { $0.purposes.contains(request.purpose) }
        guard !forPurpose.isEmpty else { return deny(.purposeNotGranted) }

        var failedCondition: String?
        var selection: FieldSelection?
        for grant in forPurpose {
            if let failed = Self.failedCondition(of: grant, for: request) {
                failedCondition = failedCondition ?? failed
                continue
            }
            selection = Self.union(selection, grant.fields.contains("*") ? .all : .only(Set(grant.fields)))
        }
        guard let granted = selection else { return deny(.conditionFailed, failedCondition) }

        guard let requested = request.requestedFields else { return .allow(granted) }
        for field in requested where !granted.contains(field) {
            return deny(.fieldNotGranted, field)
        }
        return .allow(.only(Set(requested)))
    }

    /// How often `consumer` may call `service`, whatever the purpose: the `rateLimit` its grants for the service
    /// state; `nil` when none does.
    public func rateLimit(consumer: ExchangeID, service: ExchangeID) -> RateLimit? {
        rateLimits[GrantKey(consumer: consumer, service: service)]
    }

    /// The grants a consumer holds, for `GET /v1/services`.
    public func grants(of consumer: ExchangeID) -> [Grant] {
        grantsByConsumerAndService.filter { $0.key.consumer == consumer }.flatMap(\.value)
            .sorted { $0.service < $1.service }
    }

    private static func failedCondition(of grant: Grant, for request: AccessRequest) -> String? {
        guard let conditions = grant.conditions else { return nil }
        // ISO dates compare correctly as strings.
        if let from = conditions.validFrom, request.date < from { return "validFrom" }
        if let until = conditions.validUntil, request.date > until { return "validUntil" }
        if let provinces = conditions.personalIDProvinces {
            guard request.keyKind == .personalID, provinces.contains(String(request.key.prefix(3))) else {
                return "personalIDProvinces"
            }
        }
        return nil
    }

    private static func union(_ lhs: FieldSelection?, _ rhs: FieldSelection) -> FieldSelection {
        switch (lhs, rhs) {
        case (nil, _): rhs
        case (.all, _), (_, .all): .all
        case (.only(let a), .only(let b)): .only(a.union(b))
        }
    }
}
