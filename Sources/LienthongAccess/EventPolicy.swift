public import LienthongCore

/// Deny-by-default rules for change events: a pure function from consumer, service, event types, purpose and date
/// to the fields the `events` grants let leave, or why not.
///
/// ```swift
/// let policy = EventPolicy(configuration)
/// switch policy.decide(consumer: c, service: s, eventTypes: ["person.deceased"], purpose: p, date: today) { … }
/// ```
public struct EventPolicy: Sendable {
    /// Why a subscription (or a delivery under it) is refused.
    public enum Refusal: String, Error, Sendable, Hashable {
        /// The purpose is not one of the exchange.
        case unknownPurpose = "unknown-purpose"
        /// No `events` grant names the consumer and the service.
        case noGrantForService = "no-grant-for-service"
        /// Grants exist, none for this purpose.
        case purposeNotGranted = "purpose-not-granted"
        /// Grants for the purpose exist; one of the event types is in none of them.
        case eventTypeNotGranted = "event-type-not-granted"
        /// The grants that would cover it are not valid today.
        case conditionFailed = "condition-failed"
    }

    private struct Key: Hashable {
        var consumer: ExchangeID
        var service: ExchangeID
    }

    private let purposes: Set<String>
    private let grants: [Key: [EventGrant]]

    /// Indexes the `events` grants of a configuration.
    public init(_ configuration: PolicyConfiguration) {
        purposes = Set(configuration.purposes.map(\.code))
        grants = Dictionary(grouping: configuration.eventGrants) { Key(consumer: $0.consumer, service: $0.service) }
    }

    /// The fields `consumer` may receive of every one of `eventTypes` of `service` for `purpose` on `date`
    /// (`YYYY-MM-DD`): the union over the grants valid then that name the purpose and all the types.
    public func decide(
        consumer: ExchangeID, service: ExchangeID, eventTypes: [String], purpose: String, date: String
    ) -> Result<FieldSelection, Refusal> {
        guard purposes.contains(purpose) else { return .failure(.unknownPurpose) }
        let held = grants[Key(consumer: consumer, service: service)] ?? []
        guard !held.isEmpty else { return .failure(.noGrantForService) }
        let forPurpose = held.filter { $0.purposes.contains(purpose) }
        guard !forPurpose.isEmpty else { return .failure(.purposeNotGranted) }
        let forTypes = forPurpose.filter { grant in eventTypes.allSatisfy { grant.eventTypes.contains($0) } }
        guard !forTypes.isEmpty else { return .failure(.eventTypeNotGranted) }
        // ISO dates compare correctly as strings.
        let valid = forTypes.filter { grant in
            (grant.conditions?.validFrom.map { date >= $0 } ?? true)
                && (grant.conditions?.validUntil.map { date <= $0 } ?? true)
        }
        guard !valid.isEmpty else { return .failure(.conditionFailed) }
        if valid.contains(where: { $0.fields.contains("*") }) { return .success(.all) }
        return .success(.only(Set(valid.flatMap(\.fields))))
    }
}
