import Foundation
import LienthongCore

extension GatewayNode {
    /// Reads the configuration (with `load`, which checks it as start-up did) and the key store again,
    /// and swaps them in at once: requests that started before finish on the old snapshot, the next ones start on
    /// the new. On any problem nothing changes and the node keeps serving on what it runs.
    ///
    /// Reloaded: consumers, tokens, grants, purposes, members, registries and their mappings (a changed connector is
    /// opened anew), schemas, trust anchors, the signing keys, the admin listener's operators and the rate limits
    /// (applied to what each consumer and service has spent so far, which a reload keeps), and the API listener's TLS
    /// certificate, key and client CAs (read again for new connections; open ones finish on the old). The listen
    /// address, data directory, TLS turned on or off, limits, event loops, audit and replay settings, the admin
    /// listener's address and TLS, and the federation section keep their running values until a restart (the outcome
    /// names them).
    public func reload(_ load: () throws -> GatewayConfiguration) -> ReloadOutcome {
        reloading.withLock { attempts -> ReloadOutcome in
            attempts += 1
            let running = current.current
            do {
                var loaded = try load()
                let restartOnly = Self.keepRestartOnlySettings(of: running.configuration, in: &loaded)
                if loaded.node.developmentPKI == true {
                    try DataDirectory(configuration: loaded).createDevelopmentTokens()
                }
                let keys = try NodeSigningKeys.load(loaded, developmentPKI: developmentPKI, now: Date())
                let registries = try Self.openRegistries(
                    loaded, services: services, reusing: running.registries
                ) { connector in opened.withLock { $0.append(connector) } }
                let next = try GatewaySnapshot.make(
                    generation: running.generation + 1, configuration: loaded, keys: keys,
                    registries: registries, services: services
                )
                try reloadTLS(loaded)
                current.swap(to: next)
                let keyIDs = Dictionary(
                    keys.signers.map { ($0.key.description, $0.value.keyID) }, uniquingKeysWith: { a, _ in a })
                return .applied(generation: next.generation, restartOnly: restartOnly, keyIDs: keyIDs)
            } catch let invalid as InvalidConfiguration {
                return .refused(problems: invalid.problems.map(\.description))
            } catch {
                return .refused(problems: ["\(error)"])
            }
        }
    }

    /// Puts the running value back into `loaded` for each setting only a restart applies, and names those that
    /// differed, so the snapshot says what really runs.
    static func keepRestartOnlySettings(
        of running: GatewayConfiguration, in loaded: inout GatewayConfiguration
    ) -> [String] {
        var changed: [String] = []
        func keep<Value: Equatable>(_ name: String, _ path: WritableKeyPath<GatewayConfiguration, Value>) {
            guard loaded[keyPath: path] != running[keyPath: path] else { return }
            changed.append(name)
            loaded[keyPath: path] = running[keyPath: path]
        }
        keep("listen address", \.listen)
        keep("admin listen address", \.adminListen)
        keep("admin tls", \.adminTLS)
        keep("data directory", \.dataDirectory)
        // The certificate, key and client CAs are read again on every reload; TLS on or off takes a restart.
        if (loaded.node.tls == nil) != (running.node.tls == nil) { keep("tls", \.node.tls) }
        keep("eventLoops", \.node.eventLoops)
        keep("limits", \.node.limits)
        keep("audit", \.node.audit)
        keep("replayWindowSeconds", \.node.replayWindowSeconds)
        keep("demoAgencyAPI", \.node.demoAgencyAPI)
        keep("developmentPKI", \.node.developmentPKI)
        keep("seeds", \.node.seeds)
        // The refresh task and the configuration it holds live as long as the process.
        keep("federation", \.node.federation)
        return changed
    }
}
