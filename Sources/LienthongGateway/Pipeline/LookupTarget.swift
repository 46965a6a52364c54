import LienthongCore

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
    /// The identifier rules of the key: the answering registry's, except for a profile part, whose key is always
    /// the person's personal ID.
    var keyKind: RegistryKeyKind

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
        keyKind = runtime.descriptor.keyKind
    }
}
