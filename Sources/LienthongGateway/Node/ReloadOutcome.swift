/// What ``GatewayNode/reload(_:)`` did.
public enum ReloadOutcome: Sendable, Equatable {
    /// The new configuration and keys serve every request that starts from now on.
    /// - `generation`: 1 after the first applied reload, and so on.
    /// - `restartOnly`: settings that changed on disk but keep their running value until a restart.
    /// - `keyIDs`: the `kid` each provider now signs with.
    case applied(generation: Int, restartOnly: [String], keyIDs: [String: String])
    /// Nothing changed: the node keeps its running configuration and keys. Each problem names its file and place.
    case refused(problems: [String])

    /// The lines an operator reads in the node's log.
    public var logLines: [String] {
        switch self {
        case .applied(let generation, let restartOnly, let keyIDs):
            var lines = ["lienthong: reload \(generation) applied: configuration and signing keys re-read"]
            for (provider, keyID) in keyIDs.sorted(by: { $0.key < $1.key }) {
                lines.append("  \(provider) signs with kid \(keyID)")
            }
            if !restartOnly.isEmpty {
                lines.append(
                    "  changed but applied only by a restart (kept as running): "
                        + restartOnly.joined(separator: ", "))
            }
            return lines
        case .refused(let problems):
            return ["lienthong: reload refused, still serving the running configuration and keys:"]
                + problems.map { "  \($0)" }
        }
    }
}
