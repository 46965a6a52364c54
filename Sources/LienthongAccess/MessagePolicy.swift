public import LienthongCore

/// Deny-by-default rules for documents between agencies: a pure function from sender, recipient and purpose to
/// whether a `messages` grant covers them.
///
/// ```swift
/// let policy = MessagePolicy(configuration)
/// if let refusal = policy.refusal(sender: a, recipient: b, purpose: "tax-administration") { … }
/// ```
public struct MessagePolicy: Sendable {
    /// Why a document may not be sent.
    public enum Refusal: String, Sendable, Hashable {
        /// The purpose is not one of the exchange.
        case unknownPurpose = "unknown-purpose"
        /// No grant lets the sender write to the recipient (or its member).
        case noGrantForRecipient = "no-grant-for-recipient"
        /// Grants to the recipient exist, none for this purpose.
        case purposeNotGranted = "purpose-not-granted"
    }

    private let purposes: Set<String>
    private let grantsBySender: [ExchangeID: [MessageGrant]]

    /// Indexes the `messages` grants of a configuration.
    public init(_ configuration: PolicyConfiguration) {
        purposes = Set(configuration.purposes.map(\.code))
        grantsBySender = Dictionary(grouping: configuration.messageGrants, by: \.consumer)
    }

    /// `nil` if `sender` may send to `recipient` for `purpose`, else why not. A grant to a member covers each of its
    /// subsystems.
    public func refusal(sender: ExchangeID, recipient: ExchangeID, purpose: String) -> Refusal? {
        guard purposes.contains(purpose) else { return .unknownPurpose }
        let covering = (grantsBySender[sender] ?? []).filter {
            $0.recipient == recipient || ($0.recipient.components.count == 3 && $0.recipient == recipient.member)
        }
        guard !covering.isEmpty else { return .noGrantForRecipient }
        return covering.contains { $0.purposes.contains(purpose) } ? nil : .purposeNotGranted
    }
}
