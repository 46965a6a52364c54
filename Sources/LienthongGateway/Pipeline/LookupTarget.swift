import LienthongAccess
import LienthongCore
import LienthongTrust

/// What a lookup asks of the node, as its kind reads it from the request: the registry that answers (its key
/// rules, its provider who signs) and each service the policy decides on.
struct LookupTarget: Sendable {
    /// A service the policy decides on, of a registry this node hosts.
    struct Asked: Sendable {
        var runtime: RegistryRuntime
        var service: ExchangeID
    }

    /// The registry that answers: its key rules check the key, its provider signs.
    var runtime: RegistryRuntime
    /// The service the answer is of.
    var service: ExchangeID
    /// The services decided, in order; `nil` for a profile part whose registry this node does not host. The first
    /// one's denial is the answer when none is granted.
    var asked: [Asked?]
    /// The `fields` the consumer asked for (records only).
    var requestedFields: [String]?

    /// A lookup of one `service` of `runtime`.
    init(_ runtime: RegistryRuntime, service: ExchangeID, requestedFields: [String]? = nil) {
        self.init(
            runtime, service: service, asked: [Asked(runtime: runtime, service: service)],
            requestedFields: requestedFields)
    }

    /// A lookup answered by `runtime` whose policy decides each of `asked`.
    init(_ runtime: RegistryRuntime, service: ExchangeID, asked: [Asked?], requestedFields: [String]?) {
        self.runtime = runtime
        self.service = service
        self.asked = asked
        self.requestedFields = requestedFields
    }
}

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
