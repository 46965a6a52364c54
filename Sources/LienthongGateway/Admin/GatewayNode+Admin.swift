import Foundation
import LienthongHTTP

extension GatewayNode {
    /// Reloads from the configuration files as they are on disk, with the running directories and address (the
    /// admin listener's changes and reloads), and logs the outcome as a SIGHUP reload does.
    func reloadFromFiles() -> ReloadOutcome {
        let running = configuration
        let outcome = reload {
            var loaded = try GatewayConfiguration.load(
                configDirectory: running.configDirectory, dataDirectory: running.dataDirectory, listen: running.listen)
            // As `serve --admin-listen` may have set it: only a restart changes it anyway.
            loaded.adminListen = running.adminListen
            return loaded
        }
        for line in outcome.logLines {
            if case .refused = outcome { Console.warn(line) } else { Console.say(line) }
        }
        return outcome
    }

    /// The admin listener's server: on `admin.listen`, with the admin TLS material (client certificates chained to
    /// its first `clientCertificateAuthorities` entry) or else the sharing API's, and the sharing API's limits.
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
        // Operators and scrapers are few: two loops and a few hundred connections are plenty.
        server.eventLoops = min(2, api.eventLoops)
        server.maxConnections = 256
        server.observer = metrics.serverObserver(listener: "admin")
        return HTTPServer(configuration: server, handler: handler)
    }
}
