/// `node.json`: how this node listens, where its data and keys live, and its limits.
///
/// Paths of keys and certificates are relative to the data directory; `seeds` and `codes` to the
/// configuration directory.
public struct NodeConfiguration: Sendable, Hashable, Codable {
    /// Server limits and timeouts.
    public struct Limits: Sendable, Hashable, Codable {
        public var maxHeaderBytes: Int = 16_384
        public var maxBodyBytes: Int = 1_048_576
        public var maxConnections: Int = 10_000
        public var readTimeoutSeconds: Double = 30
        public var writeTimeoutSeconds: Double = 30
        public var upstreamTimeoutSeconds: Double = 5
        /// Open connections per client address; ``HTTPServerConfiguration``'s default (1,000) when absent.
        public var maxConnectionsPerAddress: Int?
        /// Seconds for a whole request head to arrive; 10 when absent.
        public var headerTimeoutSeconds: Double?
        /// Seconds for a whole TLS handshake; 10 when absent.
        public var handshakeTimeoutSeconds: Double?
        /// The slowest accepted average request body rate in bytes per second; 1,024 when absent.
        public var minBodyBytesPerSecond: Int?

        public init() {}
    }

    /// The server's TLS material.
    public struct TLS: Sendable, Hashable, Codable {
        /// The server certificate chain (PEM).
        public var certificate: String
        /// The server private key (PEM).
        public var privateKey: String
        /// CA certificates that client certificates must chain to.
        public var clientCertificateAuthorities: [String]
    }

    /// A signing key and its certificate chain (PEM files).
    public struct SigningCredential: Sendable, Hashable, Codable {
        public var certificate: String
        public var privateKey: String
    }

    /// The PKCS#11 token of keys generated with `lienthong keys generate --token`; its PIN is read from a file or the
    /// environment, never written here.
    public struct PKCS11: Sendable, Hashable, Codable {
        /// The PKCS#11 library; SoftHSM2's `/usr/lib/softhsm/libsofthsm2.so` when absent.
        public var module: String?
        /// The token's label.
        public var tokenLabel: String
        /// A file holding the user PIN, relative to the data directory.
        public var pinFile: String?
        /// An environment variable holding the user PIN.
        public var pinEnvironment: String?
    }

    /// `HOST:PORT` to listen on.
    public var listen: String
    /// The default data directory, when neither `--data-dir` nor `$LIENTHONG_DATA_DIR` is given.
    public var dataDirectory: String?
    /// The seeds directory of the demo registries.
    public var seeds: String?
    /// The directory of canonical JSON Schemas.
    public var schemas: String?
    /// Signing keys by provider subsystem (paths relative to the data directory); with `developmentPKI`,
    /// missing entries are issued by the development CA.
    public var signing: [String: SigningCredential]?
    /// The token that holds signing keys, if any.
    public var pkcs11: PKCS11?
    /// Event loops of the server; 0 means one per core.
    public var eventLoops: Int?
    public var limits: Limits?
    /// TLS; `nil` serves plain HTTP (for a node behind a terminating proxy only).
    public var tls: TLS?
    /// The audit log's settings.
    public struct Audit: Sendable, Hashable, Codable {
        /// `false` records nothing: for measuring the audit's cost only, and refused unless `developmentPKI`.
        public var enabled: Bool
        /// The witness file of the log's signed heads (relative to the configuration directory); put it on other
        /// storage than the data directory. Default: `<data-dir>.witness/audit-witness.jsonl`.
        public var witness: String?
        /// The URL of an RFC 3161 time-stamping authority that stamps each checkpoint; none when absent.
        public var timestampAuthority: String?
    }

    /// The audit log's settings; the log is on when absent.
    public var audit: Audit?
    /// The operator log's settings.
    public struct Log: Sendable, Hashable, Codable {
        /// The lowest level written; `LIENTHONG_LOG_LEVEL` wins over it.
        public var level: LogLevel?
    }

    /// The operator log's settings; `info` when absent.
    public var log: Log?
    /// Replay window for request ids, in seconds (default 600).
    public var replayWindowSeconds: Double?
    /// Where the node's state (audit log, replay window) lives.
    public struct Storage: Sendable, Hashable, Codable {
        /// The engine.
        public enum Kind: String, Sendable, Hashable, Codable {
            /// Files in the data directory, seen by this node only (the default).
            case sqlite
            /// One database shared by every node of the agency.
            case postgres
        }

        /// The engine.
        public var kind: Kind
        /// `postgres`: the libpq URL or connection string, with `{NAME}` placeholders from the environment.
        public var url: String?
        /// `postgres`: this node's id in the shared store, with `{NAME}` placeholders; the host name when absent.
        public var node: String?
    }

    /// Where the node's state lives; `sqlite` in the data directory when absent.
    public var storage: Storage?
    /// Root CAs that signatures and client certificates must chain to.
    public var trustAnchors: [String]
    /// Whether to create a development PKI on first start (never in production).
    public var developmentPKI: Bool?
    /// Files holding the operators' bearer tokens (relative to the data directory), for operator routes such as
    /// `GET /v1/reports/monthly`; with `developmentPKI`, missing files are created with new tokens. On the admin
    /// listener these tokens have the `operator` role.
    public var operatorTokenFiles: [String]?
    /// The admin listener and its operators; listens on ``AdminConfiguration/defaultListen`` when absent.
    public var admin: AdminConfiguration?
    /// Where to start the demo agency API (`HOST:PORT`), if any.
    public var demoAgencyAPI: String?
    /// The OpenID Connect issuer citizens sign in with for the transparency API; none by default.
    public var citizenIdentity: CitizenIdentityConfiguration?
    /// Revocation checks of consumers' client certificates (CRL files, OCSP); none when absent.
    public var revocation: RevocationConfiguration?
    /// Documents between agencies (`POST /v1/messages`); the defaults of ``MessagesConfiguration`` when absent.
    public var messages: MessagesConfiguration?
    /// Change events (`/v1/subscriptions`, `/v1/events`); the defaults of ``EventsConfiguration`` when absent.
    public var events: EventsConfiguration?
    /// The engine that carries documents; the embedded SQLite queue when absent.
    public var bus: BusConfiguration?
    /// The global configuration this node fetches from the federation's authority; none when absent (a node
    /// outside any federation).
    public var federation: FederationConfiguration?
    /// The authority role: the published global configuration this node serves; none when absent.
    public var authority: AuthorityConfiguration?
}
