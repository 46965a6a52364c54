/// A purpose for which data may be shared (e.g. `residence-verification`), with its legal basis.
public struct Purpose: Sendable, Hashable, Codable {
    /// The stable code clients send in `Lienthong-Purpose`.
    public var code: String
    /// The English name.
    public var name: String
    /// The Vietnamese name.
    public var nameVi: String
    /// The legal basis, as text an auditor can check.
    public var legalBasis: String

    public init(code: String, name: String, nameVi: String, legalBasis: String) {
        self.code = code
        self.name = name
        self.nameVi = nameVi
        self.legalBasis = legalBasis
    }
}

/// A consumer subsystem that may call the sharing API, and the credentials that identify it.
public struct Consumer: Sendable, Hashable, Codable {
    /// The consumer subsystem, e.g. `VN/GOV/HCM/MOTCUA`.
    public var id: ExchangeID
    /// A display name.
    public var name: String
    /// The TLS client certificate subject common names that authenticate this consumer.
    public var certificateSubjects: [String]
    /// SHA-256 hashes (lowercase hex) of bearer tokens bound to this consumer.
    public var tokenSHA256: [String]
    /// Files (relative to the data directory) each holding one bearer token; their hashes are added at start.
    public var tokenFiles: [String]
    /// Whether the consumer is disabled: its credentials are refused (revocation).
    public var revoked: Bool

    public init(
        id: ExchangeID, name: String, certificateSubjects: [String] = [], tokenSHA256: [String] = [],
        tokenFiles: [String] = [], revoked: Bool = false
    ) {
        self.id = id
        self.name = name
        self.certificateSubjects = certificateSubjects
        self.tokenSHA256 = tokenSHA256
        self.tokenFiles = tokenFiles
        self.revoked = revoked
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(ExchangeID.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        certificateSubjects = try c.decodeIfPresent([String].self, forKey: .certificateSubjects) ?? []
        tokenSHA256 = try c.decodeIfPresent([String].self, forKey: .tokenSHA256) ?? []
        tokenFiles = try c.decodeIfPresent([String].self, forKey: .tokenFiles) ?? []
        revoked = try c.decodeIfPresent(Bool.self, forKey: .revoked) ?? false
    }
}

/// A grant: a consumer may call a service for some purposes and see some fields (deny by default).
public struct Grant: Sendable, Hashable, Codable {
    /// The consumer subsystem.
    public var consumer: ExchangeID
    /// The service, e.g. `VN/GOV/BCA/DANCU/person`.
    public var service: ExchangeID
    /// The purposes granted.
    public var purposes: [String]
    /// The canonical top-level fields that may leave the gateway; `["*"]` grants all.
    public var fields: [String]
    /// Optional conditions; all must hold.
    public var conditions: GrantConditions?
    /// How often the consumer may call the service (whatever the purpose); `nil` for no limit of its own.
    public var rateLimit: RateLimit?

    public init(
        consumer: ExchangeID, service: ExchangeID, purposes: [String], fields: [String] = ["*"],
        conditions: GrantConditions? = nil, rateLimit: RateLimit? = nil
    ) {
        self.consumer = consumer
        self.service = service
        self.purposes = purposes
        self.fields = fields
        self.conditions = conditions
        self.rateLimit = rateLimit
    }
}

/// Conditions that narrow a grant.
public struct GrantConditions: Sendable, Hashable, Codable {
    /// The grant holds from this date (`YYYY-MM-DD`, inclusive).
    public var validFrom: String?
    /// The grant holds until this date (`YYYY-MM-DD`, inclusive).
    public var validUntil: String?
    /// For personal-ID keys: the three-digit province prefixes the consumer may read.
    public var personalIDProvinces: [String]?

    public init(validFrom: String? = nil, validUntil: String? = nil, personalIDProvinces: [String]? = nil) {
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.personalIDProvinces = personalIDProvinces
    }
}

/// A grant of kind `messages` in grants.json: a consumer may send documents to a recipient for some purposes (deny
/// by default).
public struct MessageGrant: Sendable, Hashable, Codable {
    /// Always `messages`: what tells this grant from a lookup grant in grants.json.
    public var kind: String
    /// The sending consumer subsystem.
    public var consumer: ExchangeID
    /// The recipient: a subsystem, or a member (then every subsystem of it).
    public var recipient: ExchangeID
    /// The purposes granted.
    public var purposes: [String]

    public init(consumer: ExchangeID, recipient: ExchangeID, purposes: [String]) {
        self.kind = "messages"
        self.consumer = consumer
        self.recipient = recipient
        self.purposes = purposes
    }
}

/// A grant of kind `events` in grants.json: a consumer may subscribe to some change events of a service for some
/// purposes and receive some of their fields (deny by default).
public struct EventGrant: Sendable, Hashable, Codable {
    /// Always `events`: what tells this grant from the others in grants.json.
    public var kind: String
    /// The subscribing consumer subsystem.
    public var consumer: ExchangeID
    /// The service whose registry publishes the events.
    public var service: ExchangeID
    /// The event types granted, e.g. `person.deceased`.
    public var eventTypes: [String]
    /// The purposes granted.
    public var purposes: [String]
    /// The canonical top-level fields that may leave with an event; `["*"]` grants all.
    public var fields: [String]
    /// Optional validity dates (`validFrom`, `validUntil`); all must hold.
    public var conditions: GrantConditions?

    /// A grant of kind `events`.
    public init(
        consumer: ExchangeID, service: ExchangeID, eventTypes: [String], purposes: [String], fields: [String],
        conditions: GrantConditions? = nil
    ) {
        self.kind = "events"
        self.consumer = consumer
        self.service = service
        self.eventTypes = eventTypes
        self.purposes = purposes
        self.fields = fields
        self.conditions = conditions
    }
}

/// Who may ask what, and why: purposes, consumers and grants together.
public struct PolicyConfiguration: Sendable, Hashable, Codable {
    /// Purposes known to the exchange.
    public var purposes: [Purpose]
    /// Consumers and their credentials.
    public var consumers: [Consumer]
    /// Grants; anything not granted is denied.
    public var grants: [Grant]
    /// Grants to send documents; anything not granted is denied.
    public var messageGrants: [MessageGrant]
    /// Grants to subscribe to change events; anything not granted is denied.
    public var eventGrants: [EventGrant]

    public init(
        purposes: [Purpose], consumers: [Consumer], grants: [Grant], messageGrants: [MessageGrant] = [],
        eventGrants: [EventGrant] = []
    ) {
        self.purposes = purposes
        self.consumers = consumers
        self.grants = grants
        self.messageGrants = messageGrants
        self.eventGrants = eventGrants
    }
}
