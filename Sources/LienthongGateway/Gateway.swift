import Dispatch
import Foundation
import LienthongCore
import LienthongStorage

/// The gateway's entry points for the command-line tool.
public enum Gateway {
    /// The gateway's version string.
    public static let version = "0.1.0"

    /// Starts a node on what `load` reads, prints how to call it, and runs until SIGTERM or SIGINT (then shuts down
    /// gracefully). SIGHUP (`lienthong reload`) calls `load` again and reloads the node with the result.
    /// - Parameter load: reads and resolves the configuration; start-up and every reload call it the same way.
    public static func serve(_ load: @escaping @Sendable () throws -> GatewayConfiguration) async throws {
        // SIGHUP's default action ends the process: ignored from the start, handled once the node serves.
        signal(SIGHUP, SIG_IGN)
        let node = try await GatewayNode.start(try load())
        let control = NodeControlFiles(dataDirectory: node.configuration.dataDirectory)
        let signals = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                Console.say("lienthong: signal \(number) received, shutting down (finishing in-flight requests)")
                node.shutdown()
            }
            return source
        }
        for source in signals { await activate(source) }
        // One serial queue: hang-ups that arrive during a reload are handled after it, never beside it.
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "lienthong.reload"))
        hangup.setEventHandler {
            let outcome = node.reload(load)
            for line in outcome.logLines {
                if case .refused = outcome { Console.warn(line) } else { Console.say(line) }
            }
            do {
                try control.writeStatus(attempt: node.reloadAttempts, outcome: outcome)
            } catch {
                Console.warn("lienthong: cannot write \(control.statusFile.lastPathComponent): \(error)")
            }
        }
        await activate(hangup)
        // Whoever reads the banner may reload at once: the handlers and the pid file are in place before it.
        try control.writePID()
        Console.say(banner(node))
        try await node.run()
        hangup.cancel()
        signals.forEach { $0.cancel() }
        control.removePID()
        Console.say("lienthong: stopped; audit log flushed")
    }

    /// Resumes `source` and returns once libdispatch has installed it. `resume()` only queues the installation:
    /// until it is done the signal keeps its disposition (`SIG_IGN`), and a SIGTERM sent by whoever just read
    /// the banner was lost (the node ran on; about one stop in 30 under load).
    private static func activate(_ source: any DispatchSourceSignal) async {
        await withCheckedContinuation { continuation in
            source.setRegistrationHandler { continuation.resume() }
            source.resume()
        }
    }

    /// What `serve` prints: where the node listens and two requests that work as printed.
    public static func banner(_ node: GatewayNode) -> String {
        let configuration = node.configuration
        // A wildcard address is reached on loopback from this host; an IPv6 host goes in brackets.
        func url(_ listen: String, port: Int, tls: Bool) -> String {
            let (host, _) = (try? ListenAddress.parse(listen)) ?? ("127.0.0.1", 0)
            let shown = host.contains(":") ? "[\(host)]" : host == "0.0.0.0" ? "127.0.0.1" : host
            return "\(tls ? "https" : "http")://\(shown):\(port)"
        }
        let base = url(configuration.listen, port: node.port, tls: configuration.node.tls != nil)
        let adminBase = url(
            configuration.adminListen, port: node.adminPort,
            tls: configuration.node.tls != nil || configuration.adminTLS != nil)
        var lines = [
            "Lienthong \(version) listening on \(base)",
            "  admin API (operators; /metrics, /readyz): \(adminBase)",
            "  data directory: \(configuration.dataDirectory.standardizedFileURL.path)",
            "  registries: \(configuration.registries.map(\.name).joined(separator: ", "))",
        ]
        if configuration.node.audit?.enabled == false {
            lines.append("  AUDIT LOG OFF (development benchmark setting): exchanges are NOT recorded")
        }
        if let pki = node.developmentPKI, let example = demoExample(configuration) {
            let consumer = example.consumer
            let root = pki.root.certificate.standardizedFileURL.path
            lines.append("  development PKI (NOT FOR PRODUCTION): \(pki.root.certificate.deletingLastPathComponent().standardizedFileURL.path)")
            lines.append("")
            lines.append("Try it (consumer \(consumer.id), purpose \(example.purpose)):")
            if let client = pki.clients[consumer.id.description] {
                lines.append("")
                lines.append("  # with the demo client certificate")
                lines.append(
                    "  curl --cacert \(root) --cert \(client.certificate.standardizedFileURL.path) "
                        + "--key \(client.key.standardizedFileURL.path) -H 'Lienthong-Purpose: \(example.purpose)' "
                        + "\(base)/v1/records/\(example.registry)/\(example.key)"
                )
            }
            let accounts = configuration.node.admin?.operators ?? []
            if let viewer = accounts.first(where: { $0.role == .viewer })?.tokenFiles?.first {
                let token = configuration.dataPath(viewer).standardizedFileURL.path
                lines.append("")
                lines.append("  # the admin API as a viewer (the operator and security-officer tokens are beside it)")
                lines.append(
                    "  curl --cacert \(root) -H \"Authorization: Bearer $(cat \(token))\" \(adminBase)/v1/status")
            }
            if let tokenFile = consumer.tokenFiles.first {
                lines.append("")
                lines.append("  # with the demo bearer token")
                lines.append(
                    "  curl --cacert \(root) -H \"Authorization: Bearer $(cat \(configuration.dataPath(tokenFile).standardizedFileURL.path))\" "
                        + "-H 'Lienthong-Purpose: \(example.purpose)' \(base)/v1/records/\(example.registry)/\(example.key)"
                )
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A demo lookup that works: the first consumer granted the population registry, its purpose, a person.
    private static func demoExample(
        _ configuration: GatewayConfiguration
    ) -> (consumer: Consumer, purpose: String, registry: String, key: String)? {
        guard let registry = configuration.registries.first(where: { $0.name == "population" }),
            let grant = configuration.policy.grants.first(where: { $0.service == registry.service }),
            let consumer = configuration.policy.consumers.first(where: { $0.id == grant.consumer }),
            let purpose = grant.purposes.first,
            let database = try? SQLiteDatabase(
                path: configuration.dataPath("population.sqlite").path, mode: .readOnly
            ),
            let row = try? database.query("SELECT so_dinh_danh FROM cong_dan ORDER BY rowid LIMIT 1").first,
            case .text(let key)? = row.first
        else { return nil }
        return (consumer, purpose, registry.name, key)
    }
}
