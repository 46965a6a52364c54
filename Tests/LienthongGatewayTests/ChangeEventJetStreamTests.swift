import Foundation
import LienthongJSON
import LienthongStorage
import LienthongTesting
import Testing

/// Change events on the JetStream engine (`bus.engine: jetstream`) with the built binary against a three-server
/// cluster on loopback: the node detects a change of the demo population database, publishes the event on the
/// registry's stream, and `GET /v1/events` delivers it from there; the node's `events.sqlite` holds the cursor only.
@Suite(.serialized)
struct ChangeEventJetStreamTests {
    /// The messages of `stream` the cluster holds, from a monitoring endpoint.
    static func messages(_ cluster: NATSCluster, stream: String) -> Int? {
        (cluster.stream(stream)?["state"] as? [String: Any])?["messages"] as? Int
    }

    /// A demo node on `cluster`, streams replicated on all three servers, with `eventLoops` loops if given.
    static func gateway(_ cluster: NATSCluster, eventLoops: Int? = nil) throws -> GatewayProcess {
        try GatewayProcess(
            configDirectory: try GatewayProcess.demoConfiguration { directory in
                try GatewayProcess.editJSON(directory.appendingPathComponent("node.json")) {
                    $0["bus"] = [
                        "engine": "jetstream", "servers": .array(cluster.urls.map { .string($0) }), "replicas": 3,
                        "ackTimeoutSeconds": 5,
                    ]
                    if let eventLoops { $0["eventLoops"] = .number(JSONNumber(eventLoops)) }
                }
            })
    }

    @Test func aDetectedChangeIsPublishedOnItsRegistrysStreamAndReadFromIt() async throws {
        let cluster = try await NATSCluster.start()
        defer { cluster.stop() }
        let gateway = try Self.gateway(cluster)
        defer { gateway.stop() }
        let subscriber = EventSubscriber(gateway: gateway)
        let id = try await subscriber.subscribeToPersons()
        let created = try await subscriber.get("/v1/subscriptions/\(id)")
        let start = Int64(try #require(created.json["after"]?.numberValue?.int))
        let people = try SQLiteDatabase(path: subscriber.population, mode: .readOnly).query(
            "SELECT so_dinh_danh FROM cong_dan WHERE trang_thai = 'Còn sống' ORDER BY so_dinh_danh LIMIT 3")
        for (index, row) in people.enumerated() {
            try subscriber.change(
                ChangeEventTests.addressUpdate, [row[0], .text("Số \(index + 1) đường Dòng Chảy")])
        }
        // One event, then the subscriber comes back with its last sequence for the rest, in pages of two.
        let first = try await subscriber.collect(id, after: start, count: 1, limit: 1)
        let last = Int64(try #require(first.last?["message"]?["sequence"]?.numberValue?.int))
        let rest = try await subscriber.collect(id, after: last, count: 2, limit: 2)
        let all = (first + rest).compactMap { $0["message"] }
        #expect(all.map { $0["sequence"]?.numberValue?.int } == (1...3).map { Int(start) + $0 })
        #expect(all.map { $0["eventType"]?.stringValue } == Array(repeating: "person.address-changed", count: 3))
        #expect(Set(all.compactMap { $0["id"]?.stringValue }).count == 3)
        let verified = try subscriber.verify(try #require(first.first))
        #expect(verified.status == 0, "\(verified.stdout)")

        // On the stream, replicated: the events' home; the node store keeps no event.
        #expect((Self.messages(cluster, stream: "LIENTHONG_EVENTS_POPULATION") ?? 0) >= 3)
        let local = try SQLiteDatabase(
            path: gateway.dataDirectory.appendingPathComponent("events.sqlite").path, mode: .readOnly)
        #expect(try local.query("SELECT COUNT(*) FROM events").first?.first == .integer(0))
    }
}
