import Foundation
import LienthongHTTP

extension GatewayNode {
    /// Reloads from the configuration files as they are on disk, with the running directories and address (the
    /// admin listener's changes and reloads), and logs the outcome as a SIGHUP reload does.
    func reloadFromFiles() -> ReloadOutcome {
        let running = configuration
        let outcome = reload {
            try GatewayConfiguration.load(
                configDirectory: running.configDirectory, dataDirectory: running.dataDirectory, listen: running.listen)
        }
        for line in outcome.logLines {
            if case .refused = outcome { Console.warn(line) } else { Console.say(line) }
        }
        return outcome
    }

    /// The admin listener's server: on `admin.listen`, with the admin TLS material or the sharing API's, and the
    /// sharing API's limits.
    static func adminServer(
        _ configuration: GatewayConfiguration, api: HTTPServerConfiguration, metrics: Metrics,
        handler: any HTTPHandler
    ) throws -> HTTPServer {
        var server = api
        (server.host, server.port) = try ListenAddress.parse(configuration.adminListen)
        if let own = configuration.adminTLS {
            server.tls = TLSServerConfiguration(
                certificateChainPath: configuration.dataPath(own.certificate).path,
                privateKeyPath: configuration.dataPath(own.privateKey).path,
                clientCAPath: own.clientCertificateAuthorities.first.map { configuration.dataPath($0).path }
                    ?? api.tls?.clientCAPath)
        }
        // Operators are few: two loops keep it answering while one is busy with a reload or a report.
        server.eventLoops = min(2, api.eventLoops)
        server.maxConnections = 256
        server.observer = api.observer.map { _ in metrics.serverObserver(listener: "admin") }
        return HTTPServer(configuration: server, handler: handler)
    }
}
