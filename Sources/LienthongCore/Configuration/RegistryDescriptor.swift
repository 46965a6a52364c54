public import LienthongJSON

/// A registry the node serves: its name in URLs, the service and provider it belongs to, its key rules,
/// its canonical schema, and the connector configuration that reaches it.
public struct RegistryDescriptor: Sendable, Hashable {
    /// The name in `/v1/records/{registry}/…`, e.g. `population`.
    public var name: String
    /// The service, e.g. `VN/GOV/BCA/DANCU/person`; its subsystem is the provider.
    public var service: ExchangeID
    /// The identifier rules of the key.
    public var keyKind: RegistryKeyKind
    /// The canonical schema id, e.g. `person.v1`.
    public var schema: String
    /// The connector and mapping configuration, interpreted by the connectors module.
    public var connector: JSONValue
    /// The file `connector` was read from (relative paths inside it resolve against its directory).
    public var connectorFile: String
    /// The service of the registry's documents (`/v1/documents/{registry}/{key}`), granted apart from its records;
    /// `nil` when the registry serves none. Same provider as ``service``.
    public var documentService: ExchangeID?
    /// How often all consumers together may look the registry up (records, documents and profile parts); `nil` for
    /// no limit across consumers.
    public var rateLimit: RateLimit?

    public init(
        name: String, service: ExchangeID, keyKind: RegistryKeyKind, schema: String, connector: JSONValue,
        connectorFile: String, documentService: ExchangeID? = nil, rateLimit: RateLimit? = nil
    ) {
        self.name = name
        self.service = service
        self.documentService = documentService
        self.rateLimit = rateLimit
        self.keyKind = keyKind
        self.schema = schema
        self.connector = connector
        self.connectorFile = connectorFile
    }

    /// The provider subsystem (the service's first four components).
    public var provider: ExchangeID { service.subsystem ?? service }
}
