import Foundation
import LienthongConnectors
import LienthongCore
import LienthongHTTP
import LienthongJSON
import LienthongNodeStore
import LienthongTrust
import Testing

@testable import LienthongGateway

/// The publisher over a registry published as a CSV file: a reload publishes each change once, signed by the
/// provider, with the registry's next sequence; a poll with no new version publishes nothing; a restart over the
/// same log resumes its sequence.
struct ChangePublisherTests {
    static let provider = "VN/GOV/BCA/DANCU"
    /// Unused by a CSV source; the publisher's sources are made with one.
    static let client = HTTPClient()

    /// A CSV population registry with the two demo person events, a provider key and its root.
    struct Fixture {
        let directory: URL
        let csv: URL
        let publisher: ChangePublisher
        let trust: CertificateVerifier

        /// The provider's signing identity and the verifier trusting its root.
        let keys: (identity: JWSSigningIdentity, trust: CertificateVerifier)

        init(
            directory: URL = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-csv-\(UUID())"),
            keys: (identity: JWSSigningIdentity, trust: CertificateVerifier)? = nil
        ) throws {
            self.directory = directory
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            csv = directory.appendingPathComponent("population.csv")
            if !FileManager.default.fileExists(atPath: csv.path) {
                try Self.write("001090012345,Số 1,alive\n079200000001,Số 2,alive\n", to: csv)
            }
            let document = try JSONValue.parse(
                Array(
                    """
                    {"registry": "population", "schema": "person.v1",
                     "connector": {"kind": "csv", "path": "population.csv", "keyColumn": "id"},
                     "mapping": [{"target": "/personalId", "source": "id"},
                                 {"target": "/permanentAddress/addressLine", "source": "line"},
                                 {"target": "/status", "source": "status"}],
                     "events": {"detection": {"kind": "reload"}, "types": [
                       {"type": "person.address-changed", "when": {"changed": ["/permanentAddress"]},
                        "fields": ["personalId", "permanentAddress"]},
                       {"type": "person.deceased", "when": {"becomes": {"/status": "deceased"}},
                        "fields": ["personalId", "status"]}]}}
                    """.utf8))
            let configuration = try RegistryConfiguration(document: document, baseDirectory: directory.path)
            let descriptor = RegistryDescriptor(
                name: "population", service: try #require(ExchangeID("\(provider)/person")), keyKind: .personalID,
                schema: "person.v1", connector: document, connectorFile: directory.appendingPathComponent("p.json").path)
            self.keys = try keys ?? Self.keys()
            let identity = self.keys.identity
            publisher = ChangePublisher(
                sources: [
                    .init(
                        descriptor: descriptor, events: try #require(configuration.events), mapping: configuration.mapping,
                        changes: try #require(
                            try configuration.makeChangeSource(dataDirectory: directory.path, httpClient: ChangePublisherTests.client)))
                ],
                log: try SQLiteEventLog(path: directory.appendingPathComponent("events.sqlite")),
                settings: EventsConfiguration().resolved, signer: { _ in identity })
            trust = self.keys.trust
        }

        /// A new root and a provider key it certifies.
        static func keys() throws -> (identity: JWSSigningIdentity, trust: CertificateVerifier) {
            let now = Date()
            let root = try CertificateIssuer.selfSignedRoot(
                subject: DistinguishedName(commonName: "Events Test Root CA"), key: SigningKey.generate(),
                notBefore: now - 86_400, notAfter: now + 86_400)
            let key = try SigningKey.generate()
            let leaf = try root.issue(
                .nodeSigning, subject: DistinguishedName(commonName: provider), publicKey: key.publicKey,
                notBefore: now - 86_400, notAfter: now + 86_400)
            return (
                try JWSSigningIdentity(key: key, chain: [leaf, root.certificate]),
                CertificateVerifier(trustStore: try TrustStore(anchors: [root.certificate]))
            )
        }

        /// Replaces the file as an agency would: a new file renamed into place.
        static func write(_ rows: String, to file: URL) throws {
            try Data(("id,line,status\n" + rows).utf8).write(to: file, options: .atomic)
        }

        /// The messages of every event published so far.
        func messages() async throws -> [JSONValue] {
            try await publisher.log.events(registry: "population", after: 0, limit: 100).map {
                let envelope = try JSONValue.parse($0.envelope)
                _ = try EnvelopeVerifier.verify(envelope, trust: trust, at: Date())
                return try #require(envelope["message"])
            }
        }
    }

    @Test func aCSVReloadPublishesEachChangeOnceWithTheNextSequence() async throws {
        let fixture = try Fixture()
        let source = fixture.publisher.sources[0]
        // The first poll takes what the file holds as history.
        #expect(try await fixture.publisher.poll(source) == false)
        #expect(try await fixture.publisher.poll(source) == false)
        #expect(try await fixture.messages().isEmpty)

        try Fixture.write("001090012345,Số 9,alive\n079200000001,Số 2,deceased\n", to: fixture.csv)
        #expect(try await fixture.publisher.poll(source))
        var messages = try await fixture.messages()
        #expect(messages.map { $0["eventType"]?.stringValue } == ["person.address-changed", "person.deceased"])
        #expect(messages.map { $0["sequence"]?.numberValue?.int } == [1, 2])
        #expect(messages[0]["record"] == ["personalId": "001090012345", "permanentAddress": ["addressLine": "Số 9"]])
        #expect(messages[1]["record"] == ["personalId": "079200000001", "status": "deceased"])
        #expect(messages.allSatisfy { $0["provider"]?.stringValue == Self.provider })

        // No new version: nothing more.
        #expect(try await fixture.publisher.poll(source) == false)
        #expect(try await fixture.messages().count == 2)
        // A version that only adds a row (an insert, no value of a record changed) publishes nothing, but is read.
        try Fixture.write("001090012345,Số 9,alive\n079200000001,Số 2,deceased\n300000000000,Số 3,alive\n", to: fixture.csv)
        #expect(try await fixture.publisher.poll(source))
        #expect(try await fixture.messages().count == 2)

        // Another process over the same log and file (a restart) goes on from sequence 3.
        let restarted = try Fixture(directory: fixture.directory, keys: fixture.keys)
        let again = restarted.publisher.sources[0]
        #expect(try await restarted.publisher.poll(again) == false)
        try Fixture.write("001090012345,Số 10,alive\n079200000001,Số 2,deceased\n", to: fixture.csv)
        #expect(try await restarted.publisher.poll(again))
        messages = try await restarted.messages()
        #expect(messages.map { $0["sequence"]?.numberValue?.int } == [1, 2, 3])
        #expect(messages[2]["record"]?["permanentAddress"]?["addressLine"] == "Số 10")
    }
}

/// Nodes whose publishers share one log (PostgreSQL in production; here one SQLite file) over one source.
extension ChangePublisherTests {
    /// A log whose ``state(registry:)`` answers what it was when pinned: a node that read the state just before
    /// another node appended.
    struct PinnedStateLog: EventLog {
        let log: any EventLog
        let pinned: EventRegistryState?

        func state(registry: String) async throws(EventLogError) -> EventRegistryState? { pinned }
        func append(
            registry: String, from previous: EventRegistryState?, events: [StoredEvent], cursor: String,
            baselines: [String: [UInt8]]
        ) async throws(EventLogError) {
            try await log.append(
                registry: registry, from: previous, events: events, cursor: cursor, baselines: baselines)
        }
        func baseline(registry: String, key: String) async throws(EventLogError) -> [UInt8]? {
            try await log.baseline(registry: registry, key: key)
        }
        func events(registry: String, after: Int64, limit: Int) async throws(EventLogError) -> [StoredEvent] {
            try await log.events(registry: registry, after: after, limit: limit)
        }
        func prune(registry: String, before: Date, keepLast: Int) async throws(EventLogError) -> Int {
            try await log.prune(registry: registry, before: before, keepLast: keepLast)
        }
        func subscribe(_ subscription: EventSubscription) async throws(EventLogError) {
            try await log.subscribe(subscription)
        }
        func subscription(id: String) async throws(EventLogError) -> EventSubscription? {
            try await log.subscription(id: id)
        }
        func unsubscribe(id: String, consumer: String) async throws(EventLogError) -> Bool {
            try await log.unsubscribe(id: id, consumer: consumer)
        }
    }

    @Test func twoNodesOverOneLogAndOneFilePublishEachChangeOnce() async throws {
        let a = try Fixture()
        let b = try Fixture(directory: a.directory, keys: a.keys)
        for fixture in [a, b, a, b] { #expect(try await fixture.publisher.poll(fixture.publisher.sources[0]) == false) }
        try Fixture.write("001090012345,Số 9,alive\n079200000001,Số 2,deceased\n", to: a.csv)
        #expect(try await a.publisher.poll(a.publisher.sources[0]))
        // B diffs the file against the version it read last: the same two changes, up to the cursor A moved to.
        #expect(try await b.publisher.poll(b.publisher.sources[0]) == false)
        #expect(try await b.messages().map { $0["sequence"]?.numberValue?.int } == [1, 2])
    }

    @Test func anAppendAnotherNodeOvertookIsNoErrorAndPublishesNothing() async throws {
        let a = try Fixture()
        let source = a.publisher.sources[0]
        #expect(try await a.publisher.poll(source) == false)
        #expect(try await a.publisher.poll(source) == false)
        let before = try await a.publisher.log.state(registry: "population")
        try Fixture.write("001090012345,Số 9,alive\n079200000001,Số 2,alive\n", to: a.csv)
        #expect(try await a.publisher.poll(source))
        // B read the state before A's append and the file after it: its append is refused, quietly.
        let b = try Fixture(directory: a.directory, keys: a.keys)
        let late = ChangePublisher(
            sources: b.publisher.sources, log: PinnedStateLog(log: b.publisher.log, pinned: before),
            settings: b.publisher.settings, signer: b.publisher.signer)
        #expect(try await late.poll(late.sources[0]) == false, "B's source had no version before: nothing read")
        try Fixture.write("001090012345,Số 9,alive\n079200000001,Số 3,alive\n", to: a.csv)
        #expect(try await late.poll(late.sources[0]), "overtaken: the next poll comes at once")
        #expect(try await a.messages().map { $0["sequence"]?.numberValue?.int } == [1])
    }
}
