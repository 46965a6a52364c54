/// node.json `federation`: where this node fetches the federation's global configuration and what it checks the
/// signature against. Paths are relative to the data directory.
public struct FederationConfiguration: Sendable, Hashable, Codable {
    /// The default time between two fetches.
    public static let defaultRefreshSeconds: Double = 60
    /// The default time a node goes on after its last good configuration expired.
    public static let defaultExpiryGraceSeconds: Double = 600

    /// The `https://` URL of the authority's published document (`…/v1/federation/configuration`).
    public var authorityURL: String
    /// The configuration anchor (PEM): the authority's configuration-signing certificate, then the CAs it chains
    /// to; installed once by the operator.
    public var anchor: String
    /// The CA certificates (PEM) the authority's TLS certificate must chain to; the system's when absent.
    public var authorityCAFile: String?
    /// Seconds between two fetches; ``defaultRefreshSeconds`` when absent.
    public var refreshSeconds: Double?
    /// Seconds the node goes on after the last good configuration expired before it refuses cross-node
    /// exchanges; ``defaultExpiryGraceSeconds`` when absent.
    public var expiryGraceSeconds: Double?

    /// The TLS client certificate (PEM) this node presents to other nodes when it forwards a lookup.
    public var peerCertificate: String?
    /// The private key (PEM) of ``peerCertificate``.
    public var peerPrivateKey: String?
    /// The CAs (PEM) other nodes' TLS server certificates chain to; ``authorityCAFile`` when absent.
    public var peerCAFile: String?
    /// Seconds a forwarded lookup may take; ``defaultPeerTimeoutSeconds`` when absent.
    public var peerTimeoutSeconds: Double?
    /// Consecutive failures that open one peer node's breaker; ``defaultPeerFailureThreshold`` when absent.
    public var peerFailureThreshold: Int?
    /// Seconds an open breaker refuses before a probe; ``defaultPeerCoolDownSeconds`` when absent.
    public var peerCoolDownSeconds: Double?
    /// Seconds a provider node's answer to `GET /v1/services` is reused for the same caller (within one global
    /// configuration version); ``defaultServicesCacheSeconds`` when absent, `0` asks every time.
    public var servicesCacheSeconds: Double?

    /// The default time a forwarded lookup may take.
    public static let defaultPeerTimeoutSeconds: Double = 5
    /// The default number of consecutive failures that open a peer node's breaker.
    public static let defaultPeerFailureThreshold = 5
    /// The default time a peer node's open breaker refuses.
    public static let defaultPeerCoolDownSeconds: Double = 10
    /// The default time a provider node's service list is reused.
    public static let defaultServicesCacheSeconds: Double = 30

    /// ``peerTimeoutSeconds`` with its default.
    public var peerTimeout: Duration {
        .milliseconds(Int((peerTimeoutSeconds ?? Self.defaultPeerTimeoutSeconds) * 1000))
    }
    /// ``peerCoolDownSeconds`` with its default.
    public var peerCoolDown: Duration {
        .milliseconds(Int((peerCoolDownSeconds ?? Self.defaultPeerCoolDownSeconds) * 1000))
    }

    /// ``servicesCacheSeconds`` with its default.
    public var servicesCacheLifetime: Duration {
        .milliseconds(Int((servicesCacheSeconds ?? Self.defaultServicesCacheSeconds) * 1000))
    }

    /// ``refreshSeconds`` with its default.
    public var refreshInterval: Double { refreshSeconds ?? Self.defaultRefreshSeconds }
    /// ``expiryGraceSeconds`` with its default.
    public var expiryGrace: Double { expiryGraceSeconds ?? Self.defaultExpiryGraceSeconds }
}

/// node.json `authority`: this node is the federation's authority and serves the published global configuration
/// at `GET /v1/federation/configuration`.
public struct AuthorityConfiguration: Sendable, Hashable, Codable {
    /// The file `lienthong federation publish --out` writes, relative to the data directory; served as it is.
    public var published: String
}
