import Foundation
import LienthongAccess
import LienthongConnectors
import LienthongCore
import LienthongHTTP
import LienthongJSON
import LienthongNodeStore
import LienthongTrust

/// Turns the changes each registry's connector detects into signed change events in the node's ``EventLog``: maps
/// the native record after the change, compares the watched values with those before (from the source, else the
/// log's baseline), and for every declared type that fires appends one event with the registry's next sequence,
/// together with the cursor past the change, in one transaction. So a crash repeats no event and loses none.
/// Nodes sharing one log (PostgreSQL) all watch the registry: each append is made from the state its changes were
/// read after, and the log refuses it when another node appended first, so each change is published once.
///
/// Event declarations, mappings and change sources are read at start; changing them takes a restart.
struct ChangePublisher: Sendable {
    /// One registry that declares events.
    struct Source: Sendable {
        let descriptor: RegistryDescriptor
        let events: RegistryEvents
        let mapping: RecordMapping
        let changes: any ChangeSource
    }

    /// The most changes read per poll.
    static let batchSize = 100

    let sources: [Source]
    let log: any EventLog
    let settings: EventsConfiguration.Resolved
    /// The provider's signing key now (keys change on reload).
    let signer: @Sendable (ExchangeID) -> JWSSigningIdentity?

    /// The sources of every registry of `configuration` that declares events; `variables` fill the `{NAME}`
    /// placeholders of connection strings.
    static func sources(
        _ configuration: GatewayConfiguration, httpClient: HTTPClient, variables: [String: String]
    ) throws -> [Source] {
        try configuration.registries.compactMap { descriptor in
            let parsed = try RegistryConfiguration(
                document: descriptor.connector,
                baseDirectory: URL(fileURLWithPath: descriptor.connectorFile).deletingLastPathComponent().path)
            guard let events = parsed.events,
                let changes = try parsed.makeChangeSource(
                    dataDirectory: configuration.dataDirectory.path, httpClient: httpClient, variables: variables)
            else { return nil }
            return Source(descriptor: descriptor, events: events, mapping: parsed.mapping, changes: changes)
        }
    }

    /// Polls every source until cancelled (at shutdown), pruning past the retention after new events and at least
    /// once a minute.
    func run(onError: @Sendable (String, String) -> Void) async {
        guard !sources.isEmpty else { return }
        let interval = sources.map(\.events.pollInterval).min() ?? .seconds(1)
        var lastPrune = ContinuousClock.now - .seconds(120)
        while !Task.isCancelled {
            var busy = false
            for source in sources {
                do {
                    busy = try await poll(source) || busy
                } catch {
                    onError(source.descriptor.name, "\(error)")
                }
            }
            // After new events the count bound may be passed; the age bound moves on its own, checked each minute.
            if busy || ContinuousClock.now - lastPrune > .seconds(60) {
                lastPrune = ContinuousClock.now
                await prune(onError: onError)
            }
            if !busy { try? await Task.sleep(for: interval) }
        }
    }

    /// Drops the events past the retention of every registry.
    func prune(onError: (String, String) -> Void) async {
        let before = Date().addingTimeInterval(-settings.retention.secondsValue)
        for source in sources {
            do {
                try await log.prune(
                    registry: source.descriptor.name, before: before, keepLast: settings.retentionEvents)
            } catch {
                onError(source.descriptor.name, "\(error)")
            }
        }
    }

    /// Handles one batch of `source`'s changes.
    /// - Returns: whether there were changes (then the next poll comes at once).
    @discardableResult
    func poll(_ source: Source) async throws -> Bool {
        let registry = source.descriptor.name
        guard let state = try await log.state(registry: registry) else {
            // First start: what the back end holds now is history; detection begins past it.
            let head = try await source.changes.head()
            try await appendUnlessAnotherNodeDid { () async throws(EventLogError) in
                try await log.append(registry: registry, from: nil, events: [], cursor: head, baselines: [:])
            }
            return false
        }
        // A source that diffs against what this node read last (a CSV file) may hand back the changes another node
        // sharing the log already published up to its cursor; every other source reads strictly after the cursor.
        let changes = try await source.changes.changes(after: state.cursor, limit: Self.batchSize)
            .filter { $0.cursor != state.cursor }
        guard let last = changes.last else { return false }
        var events: [StoredEvent] = []
        var baselines: [String: [UInt8]] = [:]
        var sequence = state.lastSequence
        let detectedAt = Date()
        for change in changes {
            // A removed record, or one that does not map, publishes nothing; its cursor still moves on.
            guard let native = change.after, let record = try? source.mapping.map(native) else { continue }
            let after = source.events.watchedValues(of: record)
            let before: [String: JSONValue]?
            if let native = change.before, let old = try? source.mapping.map(native) {
                before = source.events.watchedValues(of: old)
            } else if let seen = try await baseline(registry, change.key, pending: baselines) {
                before = (try? JSONValue.parse(seen))?.objectValue.map(Self.values)
            } else {
                before = nil
            }
            // An insert the source knows of changed no value of an existing record: it only starts a baseline.
            for type in source.events.types where !change.isInsert && type.condition.fires(before: before, after: after) {
                sequence += 1
                let carried = FieldProjection.project(record, to: .only(Set(type.fields)))
                let event = ChangeEventMessage(
                    id: RandomUUID.lowercased(), sequence: sequence, eventType: type.name,
                    descriptor: source.descriptor, detectedAt: detectedAt, record: carried)
                guard let identity = signer(source.descriptor.provider) else {
                    throw EventLogError(.storage, "no signing key for \(source.descriptor.provider)")
                }
                events.append(
                    StoredEvent(
                        id: event.id, sequence: sequence, type: type.name, key: change.key, detectedAt: detectedAt,
                        envelope: try event.sign(with: identity).body))
            }
            baselines[change.key] = JSONValue.object(JSONObject(after)).serializedBytes()
        }
        try await appendUnlessAnotherNodeDid { () async throws(EventLogError) in
            try await log.append(
                registry: registry, from: state, events: events, cursor: last.cursor, baselines: baselines)
        }
        return true
    }

    /// Runs `append`; a conflict means another node sharing the log appended these changes first (its events are
    /// the published ones), so it is no error: the next poll reads on from that node's cursor.
    private func appendUnlessAnotherNodeDid(
        _ append: () async throws(EventLogError) -> Void
    ) async throws(EventLogError) {
        do {
            try await append()
        } catch {
            guard error.code == .sequenceConflict else { throw error }
        }
    }

    /// The values of record `key` seen last: in this batch, else in the log.
    private func baseline(
        _ registry: String, _ key: String, pending: [String: [UInt8]]
    ) async throws(EventLogError) -> [UInt8]? {
        if let seen = pending[key] { return seen }
        return try await log.baseline(registry: registry, key: key)
    }

    private static func values(_ object: JSONObject) -> [String: JSONValue] {
        Dictionary(object.map { ($0.key.description, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}
