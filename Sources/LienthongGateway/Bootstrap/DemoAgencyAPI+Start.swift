import LienthongHTTP

extension DemoAgencyAPI {
    /// Starts the demo agency API when node.json names an address for it (`demoAgencyAPI`).
    /// - Returns: The running server and the URL template variables that reach it (`port`); `nil` without one.
    static func start(_ configuration: GatewayConfiguration) async throws -> (
        server: HTTPServer, variables: [String: String]
    )? {
        guard let address = configuration.node.demoAgencyAPI else { return nil }
        let (host, port) = try ListenAddress.parse(address, pointer: "/demoAgencyAPI")
        let server = HTTPServer(
            configuration: HTTPServerConfiguration(host: host, port: port, eventLoops: 1),
            handler: DemoAgencyAPI(dataDirectory: configuration.dataDirectory.path)
        )
        return (server, ["port": String(try await server.start())])
    }
}
