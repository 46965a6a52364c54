/// The gateway node: loads the registries, keys and policy, and serves the sharing API.
public enum Gateway {
    /// The gateway's version string.
    public static let version = "0.1.0"

    /// Runs the node until SIGTERM or SIGINT.
    public static func serve(_ configuration: GatewayConfiguration) async throws {
        fatalError("not yet wired")
    }
}
