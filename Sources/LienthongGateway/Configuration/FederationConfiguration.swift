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
