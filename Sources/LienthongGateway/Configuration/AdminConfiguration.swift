/// `node.json` `admin`: the admin listener (status, configuration changes, metrics) and the operators who may use it.
public struct AdminConfiguration: Sendable, Hashable, Codable {
    /// Where the admin listener binds when `listen` is absent: loopback only.
    public static let defaultListen = "127.0.0.1:8444"

    /// `HOST:PORT` of the admin listener; ``defaultListen`` when absent.
    public var listen: String?
    /// The admin listener's TLS material; the sharing API's (`tls`) when absent.
    public var tls: NodeConfiguration.TLS?
    /// The operators and their roles.
    public var operators: [OperatorAccount]?

    /// The address to bind.
    public var address: String { listen ?? Self.defaultListen }
}

/// One operator of the admin listener: a name (recorded in the audit log with each change), a role, and the
/// credentials that stand for them, stored as consumers' are (token hashes or files, certificate subjects).
public struct OperatorAccount: Sendable, Hashable, Codable {
    /// The name the audit log records.
    public var name: String
    /// What the operator may do.
    public var role: OperatorRole
    /// Hex SHA-256 of the operator's bearer tokens.
    public var tokenSHA256: [String]?
    /// Files holding bearer tokens (relative to the data directory); created on a development node.
    public var tokenFiles: [String]?
    /// Subject common names of the operator's client certificates (chained to `clientCertificateAuthorities`).
    public var certificateSubjects: [String]?
}

/// What an operator may do on the admin listener; each role may do what the ones below it may.
public enum OperatorRole: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Reads status, configuration, connectors and breakers, the audit status, reports and metrics.
    case viewer
    /// Also tests connectors, changes consumers, grants and registries, issues and revokes tokens, and reloads.
    case `operator`
    /// Also manages the signing keys.
    case securityOfficer = "security-officer"

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

extension GatewayConfiguration {
    /// The admin listener's address (a restart applies a change); `serve --admin-listen` sets it.
    public var adminListen: String {
        get { node.admin?.address ?? AdminConfiguration.defaultListen }
        set {
            var admin = node.admin ?? AdminConfiguration()
            admin.listen = newValue
            node.admin = admin
        }
    }

    /// The admin listener's own TLS material, if any (a restart applies a change).
    var adminTLS: NodeConfiguration.TLS? {
        get { node.admin?.tls }
        set {
            var admin = node.admin ?? AdminConfiguration()
            admin.tls = newValue
            node.admin = admin
        }
    }
}
