import LienthongAccess
import LienthongCore
import LienthongTrust

/// A lookup that passed authentication and admission: who asks, what, for which purpose, and what the policy
/// releases.
struct AdmittedLookup: Sendable {
    var request: LookupRequest
    var consumer: Consumer
    var target: LookupTarget
    /// The validated (normalised) key.
    var key: String
    /// The stated purpose.
    var purpose: String
    /// The policy's decision for each of `target.asked`, in order (`nil` where that is `nil`).
    var decisions: [AccessDecision?]
    /// The provider's identity that will sign the answer.
    var signer: JWSSigningIdentity

    /// The fields the grant releases of the one service of a record or document lookup.
    var selection: FieldSelection {
        // Admission refuses a lookup whose decisions grant nothing, so a single decision is an allow.
        guard case .allow(let selection)? = decisions.first else { return .only([]) }
        return selection
    }
}
