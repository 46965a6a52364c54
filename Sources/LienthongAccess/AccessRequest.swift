public import LienthongCore

/// What a consumer asks for, as the policy sees it: no I/O, no record data.
public struct AccessRequest: Sendable, Hashable {
    /// The authenticated consumer subsystem.
    public var consumer: ExchangeID
    /// The service asked for.
    public var service: ExchangeID
    /// The purpose code from `Lienthong-Purpose`.
    public var purpose: String
    /// The fields asked for with `?fields=`, or `nil` for every granted field.
    public var requestedFields: [String]?
    /// The validated registry key, for conditions on it (e.g. a personal ID's province).
    public var key: String
    /// The rules of that key.
    public var keyKind: RegistryKeyKind
    /// Today's date in the node's time zone, `YYYY-MM-DD`, for grant validity.
    public var date: String

    public init(
        consumer: ExchangeID, service: ExchangeID, purpose: String, requestedFields: [String]? = nil, key: String,
        keyKind: RegistryKeyKind, date: String
    ) {
        self.consumer = consumer
        self.service = service
        self.purpose = purpose
        self.requestedFields = requestedFields
        self.key = key
        self.keyKind = keyKind
        self.date = date
    }
}
