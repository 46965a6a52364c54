public import Foundation

/// The federation's global configuration: who the members are, what they offer, which nodes serve them and what
/// every node trusts; published by the governing authority as a signed document (``SignedGlobalConfiguration``).
///
/// Its JSON form is the message of an `envelope.v1` envelope, described by `schemas/global-configuration.v1.json`.
/// `version` only grows: a node refuses a document older than the one it holds (``GlobalConfigurationAcceptance``).
public struct GlobalConfiguration: Sendable, Hashable {
    /// The envelope message type of a global configuration.
    public static let messageType = "global-configuration"

    /// The member class: state agency, enterprise, other organisation.
    public enum MemberClass: String, Sendable, Hashable, Codable, CaseIterable {
        /// A state agency.
        case gov = "GOV"
        /// An enterprise.
        case com = "COM"
        /// Another organisation.
        case org = "ORG"
    }

    /// A service a subsystem offers: one registry behind one service id.
    public struct Service: Sendable, Hashable, Codable {
        /// `VN/<class>/<member>/<subsystem>/<service>`.
        public var id: String
        /// The registry the service reads (`population`, `enterprise`, …).
        public var registry: String
        /// The canonical schema of its records (`person.v1`), if named.
        public var schema: String?

        /// A service.
        public init(id: String, registry: String, schema: String? = nil) {
            self.id = id
            self.registry = registry
            self.schema = schema
        }
    }

    /// A member's subsystem (an information system) and the services it offers.
    public struct Subsystem: Sendable, Hashable, Codable {
        /// `VN/<class>/<member>/<subsystem>`.
        public var id: String
        /// The display name, if any.
        public var name: String?
        /// The services, each id under ``id``.
        public var services: [Service]

        /// A subsystem.
        public init(id: String, name: String? = nil, services: [Service]) {
            self.id = id
            self.name = name
            self.services = services
        }
    }

    /// A member of the federation: a state agency, an enterprise or an organisation.
    public struct Member: Sendable, Hashable, Codable {
        /// `VN/<class>/<code>`.
        public var id: String
        /// The display name.
        public var name: String
        /// The Vietnamese name, if any.
        public var nameVi: String?
        /// The class, which the id repeats.
        public var `class`: MemberClass
        /// The member's subsystems.
        public var subsystems: [Subsystem]

        /// A member.
        public init(id: String, name: String, nameVi: String? = nil, class: MemberClass, subsystems: [Subsystem]) {
            self.id = id
            self.name = name
            self.nameVi = nameVi
            self.class = `class`
            self.subsystems = subsystems
        }
    }

    /// A node of the federation: where it answers and which TLS certificates it presents.
    public struct Node: Sendable, Hashable, Codable {
        /// The node's id, unique in the federation.
        public var id: String
        /// Its `https://` base URL.
        public var address: String
        /// SHA-256 fingerprints (lowercase hex of the DER) of the TLS certificates it may present; more than one
        /// while a certificate is rotated.
        public var tlsFingerprints: [String]
        /// The members it serves.
        public var members: [String]

        /// A node.
        public init(id: String, address: String, tlsFingerprints: [String], members: [String]) {
            self.id = id
            self.address = address
            self.tlsFingerprints = tlsFingerprints
            self.members = members
        }
    }

    /// One purpose of the national purpose catalogue.
    public struct Purpose: Sendable, Hashable, Codable {
        /// The code callers send in `Lienthong-Purpose`.
        public var code: String
        /// The display name.
        public var name: String
        /// The Vietnamese name, if any.
        public var nameVi: String?
        /// The law that allows it, if given.
        public var legalBasis: String?

        /// A purpose.
        public init(code: String, name: String, nameVi: String? = nil, legalBasis: String? = nil) {
            self.code = code
            self.name = name
            self.nameVi = nameVi
            self.legalBasis = legalBasis
        }
    }

    /// The federation's id; a node never moves from one federation to another by a refresh.
    public var federationID: String
    /// The authority's member id: the origin of the signature (`provider` in the envelope message).
    public var authority: String
    /// The version; each published document has a higher one than the last.
    public var version: Int
    /// When the authority issued it.
    public var issuedAt: Date
    /// When it stops being valid; nodes refuse cross-node exchanges past it (after a grace).
    public var expiresAt: Date
    /// The members, each with its subsystems and services.
    public var members: [Member]
    /// The nodes.
    public var nodes: [Node]
    /// The national root and intermediate CA certificates (PEM).
    public var trustAnchors: [String]
    /// The current CRLs of those CAs (PEM, or base64 DER).
    public var crls: [String]
    /// The purpose catalogue.
    public var purposes: [Purpose]

    /// A configuration.
    public init(
        federationID: String, authority: String, version: Int, issuedAt: Date, expiresAt: Date, members: [Member],
        nodes: [Node], trustAnchors: [String], crls: [String], purposes: [Purpose]
    ) {
        self.federationID = federationID
        self.authority = authority
        self.version = version
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.members = members
        self.nodes = nodes
        self.trustAnchors = trustAnchors
        self.crls = crls
        self.purposes = purposes
    }

    /// Every service of every member, by id.
    public var servicesByID: [String: Service] {
        var services: [String: Service] = [:]
        for member in members {
            for subsystem in member.subsystems {
                for service in subsystem.services { services[service.id] = service }
            }
        }
        return services
    }

    /// Whether the configuration is past its expiry plus `grace` at `time`.
    public func isExpired(at time: Date, grace: TimeInterval = 0) -> Bool {
        time > expiresAt.addingTimeInterval(grace)
    }
}
