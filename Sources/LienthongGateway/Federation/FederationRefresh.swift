import Foundation
import LienthongFederation
import LienthongHTTP
import LienthongSchema
import LienthongTrust

/// Fetches the global configuration from the authority at start and every interval (libcurl, through
/// ``HTTPClient``), verifies it against the configuration anchor, takes it only if it moves the node forward, keeps
/// it in the data directory, and logs what changed or why it was refused.
///
/// A node owns one, as a child task of ``GatewayNode/run()``: cancelled when the node shuts down.
struct FederationRefresh: Sendable {
    /// The file of the last good document, in the data directory.
    static let storeFile = "federation/global-configuration.json"

    let url: String
    let anchor: ConfigurationAnchor
    /// The compiled `global-configuration.v1`.
    let schema: JSONSchema
    /// A client of its own: it trusts the authority's TLS CA, which the registry connectors need not.
    let client: HTTPClient
    /// Where the last good document is kept.
    let store: URL
    let interval: Duration
    let state: FederationState
    /// Writes an operator log line (or drops it when the log is off).
    let log: @Sendable (FederationLogEntry) -> Void

    /// The refresh of `configuration`'s `federation` section, or `nil` when the node is in no federation.
    static func make(
        _ configuration: GatewayConfiguration, state: FederationState,
        log: @escaping @Sendable (FederationLogEntry) -> Void
    ) throws -> FederationRefresh? {
        guard let settings = configuration.node.federation else { return nil }
        guard let schema = configuration.catalog.compiled(SignedGlobalConfiguration.schemaID) else {
            throw ConfigurationError(
                file: "node.json", pointer: "/schemas",
                message: "schema \(SignedGlobalConfiguration.schemaID) is not in the schema directory")
        }
        return FederationRefresh(
            url: settings.authorityURL,
            anchor: try ConfigurationAnchor.load(from: configuration.dataPath(settings.anchor)), schema: schema,
            client: HTTPClient(tls: TLSClientConfiguration(caFilePath: settings.authorityCAFile.map {
                configuration.dataPath($0).path
            })),
            store: configuration.dataPath(storeFile),
            interval: .milliseconds(Int(settings.refreshInterval * 1000)),
            state: state, log: log)
    }

    /// Takes the last good document from the data directory, if there is one that still verifies: what the node
    /// goes on with when the authority cannot be reached at start.
    func loadLastGood(at time: Date = Date()) {
        guard let data = FileManager.default.contents(atPath: store.path) else { return }
        do throws(FederationError) {
            let signed = try SignedGlobalConfiguration.verify([UInt8](data), anchor: anchor, schema: schema, at: time)
            _ = try GlobalConfigurationAcceptance.decide(signed.configuration, over: nil, from: .disk, at: time)
            state.hold(signed.configuration, digest: Digest.sha256(signed.bytes))
            log(FederationLogEntry(time: time, event: .loaded, version: signed.configuration.version))
        } catch {
            log(FederationLogEntry(time: time, event: .refused, error: error))
        }
    }

    /// Takes the last good document from disk, then fetches now and every ``interval``, until the task is
    /// cancelled.
    func run() async {
        defer { client.shutdown() }
        // First: a node that cannot reach the authority goes on with the last good document.
        loadLastGood()
        while !Task.isCancelled {
            await refresh(at: Date())
            do {
                try await Task.sleep(for: interval)
            } catch {
                return
            }
        }
    }

    /// One fetch, check and (when it moves the node forward) store. The fetch names the document held
    /// (`If-None-Match`), so an authority with nothing new answers 304 and no body.
    func refresh(at time: Date) async {
        let body: [UInt8]
        do {
            var headers: HTTPHeaders = [:]
            if let held = state.snapshot.digest {
                headers["If-None-Match"] = GlobalConfigurationTag(digest: held).header
            }
            let response = try await client.send(
                HTTPClientRequest(
                    url: url, headers: headers, connectTimeout: .seconds(5), totalTimeout: .seconds(30),
                    maxResponseBytes: SignedGlobalConfiguration.maxBytes))
            if response.status == 304 { return state.unchanged() }
            guard response.status == 200 else {
                return refuse(FederationError(.fetchFailed, "the authority answered \(response.status)"), at: time)
            }
            body = response.body
        } catch {
            if error.code == .cancelled { return }
            return refuse(FederationError(.fetchFailed, error.code.wireCode), at: time)
        }
        // The document held, fetched again (every interval while the authority publishes nothing new): a hash
        // instead of a parse, a chain validation and a schema pass of up to a megabyte.
        let digest = Digest.sha256(body)
        if digest == state.snapshot.digest { return state.unchanged() }
        do throws(FederationError) {
            let signed = try SignedGlobalConfiguration.verify(body, anchor: anchor, schema: schema, at: time)
            let held = state.snapshot.configuration
            let outcome = try GlobalConfigurationAcceptance.decide(
                signed.configuration, over: held, from: .authority, at: time)
            switch outcome {
            case .unchanged:
                state.unchanged()
            case .accepted(let diff):
                try keep(signed.bytes)
                state.hold(signed.configuration, digest: digest)
                log(FederationLogEntry(time: time, event: .accepted, version: signed.configuration.version, diff: diff))
            }
        } catch {
            refuse(error, at: time)
        }
    }

    /// Writes the document to ``store`` atomically (a temporary file flushed, then renamed over it), so that a crash
    /// leaves the old or the new one, never half of one.
    private func keep(_ bytes: [UInt8]) throws(FederationError) {
        do {
            try ConfigurationEditor.write(
                Data(bytes), store.lastPathComponent, in: store.deletingLastPathComponent())
        } catch {
            throw FederationError(.storeFailed, "\(store.lastPathComponent): \(error.localizedDescription)")
        }
    }

    /// Records a refusal; logs it only when it differs from the last one, so a stale authority does not fill the
    /// log with one line per interval.
    private func refuse(_ error: FederationError, at time: Date) {
        let last = state.snapshot.lastRefusal
        state.refused(error)
        guard last?.code != error.code || last?.detail != error.detail else { return }
        let event: FederationLogEntry.Event = error.code == .fetchFailed ? .fetchFailed : .refused
        log(FederationLogEntry(time: time, event: event, error: error))
    }
}
